package io.foliolab.notebook;

import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import io.github.spencerpark.jupyter.messages.HMACGenerator;
import io.github.spencerpark.jupyter.messages.Message;
import io.github.spencerpark.jupyter.messages.publish.PublishStatus;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * The kernel's five sockets. IOPub and stdin are the basekernel's; shell and control are {@link
 * ProtocolChannel}s and the heartbeat is a plain echo thread, all three on a context of their own
 * and polled without sleeping. A shutdown request is signalled to the main thread ({@link
 * #awaitShutdown()}), which then {@link #close()}s everything.
 */
final class KernelConnection extends JupyterConnection {
  private static final Logger LOG = Logger.getLogger(KernelConnection.class.getName());

  private final KernelConnectionProperties props;
  private final ZMQ.Context context = ZMQ.context(1);
  private final ProtocolChannel shellChannel;
  private final ProtocolChannel controlChannel;
  private final CountDownLatch shutdown = new CountDownLatch(1);
  private volatile boolean heartbeatRunning;
  private Thread heartbeat;

  KernelConnection(KernelConnectionProperties props) throws NoSuchAlgorithmException, InvalidKeyException {
    super(props);
    this.props = props;
    HMACGenerator hmac = props.createHMACGenerator();
    this.shellChannel = new ProtocolChannel(context, hmac, false, this);
    this.controlChannel = new ProtocolChannel(context, hmac, true, this);
  }

  /** The ZeroMQ address of {@code port}: {@code tcp://ip:port}, or {@code ipc://ip-port}. */
  static String address(KernelConnectionProperties props, int port) {
    if ("ipc".equals(props.getTransport())) {
      return "ipc://" + props.getIp() + "-" + port;
    }
    return props.getTransport() + "://" + props.getIp() + ":" + port;
  }

  /** Binds every socket, starts serving, and publishes the {@code starting} status. */
  @Override
  public void connect() {
    startHeartbeat();
    shellChannel.bind(props);
    controlChannel.bind(props);
    iopub.setLinger(1000);
    stdin.setLinger(1000);
    iopub.bind(address(props, props.getIopubPort()));
    stdin.bind(address(props, props.getStdinPort()));
    iopub.sendMessage(new Message<>(null, PublishStatus.MESSAGE_TYPE, PublishStatus.STARTING));
  }

  private void startHeartbeat() {
    ZMQ.Socket socket = context.socket(SocketType.REP);
    socket.setLinger(0);
    socket.bind(address(props, props.getHbPort()));
    heartbeatRunning = true;
    heartbeat =
        new Thread(
            () -> {
              ZMQ.Poller poller = context.poller(1);
              poller.register(socket, ZMQ.Poller.POLLIN);
              try {
                while (heartbeatRunning) {
                  if (poller.poll(100) > 0 && poller.pollin(0)) {
                    byte[] ping = socket.recv(ZMQ.DONTWAIT);
                    if (ping != null) {
                      socket.send(ping);
                    }
                  }
                }
              } catch (ZMQException e) {
                if (heartbeatRunning) {
                  LOG.log(Level.WARNING, "heartbeat failed", e);
                }
              } finally {
                poller.close();
                socket.close();
              }
            },
            "foliolab-heartbeat");
    heartbeat.setDaemon(true);
    heartbeat.start();
  }

  /** Messages the shell and control channels dropped (bad signature or framing). */
  int droppedCount() {
    return shellChannel.droppedCount() + controlChannel.droppedCount();
  }

  /** Asks the main thread to shut the kernel down. */
  void requestShutdown() {
    shutdown.countDown();
  }

  /** Waits until a shutdown is requested. */
  void awaitShutdown() throws InterruptedException {
    shutdown.await();
  }

  boolean awaitShutdown(long millis) throws InterruptedException {
    return shutdown.await(millis, TimeUnit.MILLISECONDS);
  }

  /** Stops every thread and closes every socket; pending replies get up to a second to leave. */
  @Override
  public void close() {
    shellChannel.close();
    controlChannel.close();
    heartbeatRunning = false;
    if (heartbeat != null) {
      try {
        heartbeat.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    context.close();
    super.close();
  }

  @Override
  public void waitUntilClose() {
    try {
      awaitShutdown();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
