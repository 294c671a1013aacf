package io.foliolab.notebook;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import io.github.spencerpark.jupyter.channels.ShellChannel;
import io.github.spencerpark.jupyter.channels.ShellHandler;
import io.github.spencerpark.jupyter.channels.ShellReplyEnvironment;
import io.github.spencerpark.jupyter.kernel.ExpressionValue;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import io.github.spencerpark.jupyter.kernel.history.HistoryEntry;
import io.github.spencerpark.jupyter.messages.HMACGenerator;
import io.github.spencerpark.jupyter.messages.Header;
import io.github.spencerpark.jupyter.messages.KernelTimestamp;
import io.github.spencerpark.jupyter.messages.Message;
import io.github.spencerpark.jupyter.messages.MessageType;
import io.github.spencerpark.jupyter.messages.ReplyType;
import io.github.spencerpark.jupyter.messages.adapters.ExpressionValueAdapter;
import io.github.spencerpark.jupyter.messages.adapters.HeaderAdapter;
import io.github.spencerpark.jupyter.messages.adapters.HistoryEntryAdapter;
import io.github.spencerpark.jupyter.messages.adapters.HistoryRequestAdapter;
import io.github.spencerpark.jupyter.messages.adapters.KernelTimestampAdapter;
import io.github.spencerpark.jupyter.messages.adapters.MessageTypeAdapter;
import io.github.spencerpark.jupyter.messages.adapters.PublishStatusAdapter;
import io.github.spencerpark.jupyter.messages.adapters.ReplyTypeAdapter;
import io.github.spencerpark.jupyter.messages.publish.PublishStatus;
import io.github.spencerpark.jupyter.messages.request.HistoryRequest;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * The shell or control channel: a ROUTER socket served by its own thread. It replaces the
 * basekernel's channel loop, which lets a bad signature or unreadable message escape and kill the
 * channel thread (after which the kernel never answers again), and which sleeps 50 ms between
 * polls. Here a message whose HMAC does not match is dropped and logged, an unreadable one too,
 * a handler that throws anything is logged, and the thread keeps serving until {@link #stop()}.
 */
final class ProtocolChannel extends ShellChannel {
  private static final Logger LOG = Logger.getLogger(ProtocolChannel.class.getName());
  private static final byte[] DELIMITER = "<IDS|MSG>".getBytes(StandardCharsets.US_ASCII);
  private static final Type JSON_MAP = new TypeToken<Map<String, Object>>() {}.getType();
  private static final Gson GSON = protocolGson();

  private final String name;
  private final HMACGenerator hmac;
  private final KernelConnection connection;
  private volatile boolean running;
  private Thread thread;
  private int dropped;

  ProtocolChannel(ZMQ.Context context, HMACGenerator hmac, boolean isControl, KernelConnection connection) {
    super(context, hmac, isControl, connection);
    this.name = isControl ? "control" : "shell";
    this.hmac = hmac;
    this.connection = connection;
  }

  /** The same JSON mapping the basekernel uses for messages it reads. */
  private static Gson protocolGson() {
    Gson replyGson =
        new GsonBuilder()
            .registerTypeAdapter(HistoryEntry.class, HistoryEntryAdapter.INSTANCE)
            .registerTypeAdapter(ExpressionValue.class, ExpressionValueAdapter.INSTANCE)
            .create();
    return new GsonBuilder()
        .registerTypeAdapter(KernelTimestamp.class, KernelTimestampAdapter.INSTANCE)
        .registerTypeAdapter(Header.class, HeaderAdapter.INSTANCE)
        .registerTypeAdapter(MessageType.class, MessageTypeAdapter.INSTANCE)
        .registerTypeAdapter(PublishStatus.class, PublishStatusAdapter.INSTANCE)
        .registerTypeAdapter(HistoryRequest.class, HistoryRequestAdapter.INSTANCE)
        .registerTypeHierarchyAdapter(ReplyType.class, new ReplyTypeAdapter(replyGson))
        .create();
  }

  /** Binds the socket to its port and starts serving. */
  @Override
  public void bind(KernelConnectionProperties props) {
    int port = name.equals("control") ? props.getControlPort() : props.getShellPort();
    setLinger(1000);
    super.bind(KernelConnection.address(props, port));
    running = true;
    thread = new Thread(this::serve, "foliolab-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Messages dropped so far for a bad signature or bad framing. */
  synchronized int droppedCount() {
    return dropped;
  }

  private void serve() {
    ZMQ.Poller poller = ctx.poller(1);
    poller.register(this, ZMQ.Poller.POLLIN);
    try {
      while (running) {
        int events;
        try {
          events = poller.poll(100);
        } catch (ZMQException e) {
          if (running) {
            LOG.log(Level.WARNING, name + ": poll failed", e);
          }
          break;
        }
        if (events <= 0 || !poller.pollin(0) || !running) {
          continue;
        }
        Message<?> message;
        try {
          message = readMessage();
        } catch (SecurityException | MalformedMessageException e) {
          synchronized (this) {
            dropped++;
          }
          LOG.warning(name + ": dropped a message: " + e.getMessage());
          continue;
        } catch (RuntimeException e) {
          synchronized (this) {
            dropped++;
          }
          LOG.log(Level.WARNING, name + ": dropped an unreadable message", e);
          continue;
        }
        dispatch(message);
      }
    } finally {
      poller.close();
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void dispatch(Message<?> message) {
    MessageType<?> type = message.getHeader().getType();
    ShellHandler handler = connection.getHandler(type);
    if (handler == null) {
      LOG.fine(name + ": no handler for " + type.getName());
      return;
    }
    ShellReplyEnvironment env = connection.prepareReplyEnv(this, message);
    try {
      handler.handle(env, message);
    } catch (Throwable t) {
      LOG.log(Level.SEVERE, name + ": handling " + type.getName() + " failed", t);
    } finally {
      try {
        env.resolveDeferrals();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, name + ": sending deferred messages failed", e);
      }
    }
    if (env.isMarkedForShutdown()) {
      connection.requestShutdown();
    }
  }

  /**
   * Reads one message: all its frames, then checks the framing and the HMAC signature before
   * parsing anything.
   *
   * @throws SecurityException if the signature does not match (the message is consumed)
   * @throws MalformedMessageException if the frames do not form a Jupyter message
   */
  @Override
  public synchronized Message<?> readMessage() {
    List<byte[]> frames = new ArrayList<>();
    do {
      byte[] frame = recv();
      if (frame == null) {
        throw new MalformedMessageException("receive failed");
      }
      frames.add(frame);
    } while (hasReceiveMore());
    int delimiter = -1;
    for (int i = 0; i < frames.size(); i++) {
      if (Arrays.equals(DELIMITER, frames.get(i))) {
        delimiter = i;
        break;
      }
    }
    if (delimiter < 0 || frames.size() < delimiter + 6) {
      throw new MalformedMessageException(
          "expected identities, <IDS|MSG>, signature, header, parent, metadata, content; got " + frames.size() + " frames");
    }
    byte[] signature = frames.get(delimiter + 1);
    byte[] header = frames.get(delimiter + 2);
    byte[] parent = frames.get(delimiter + 3);
    byte[] metadata = frames.get(delimiter + 4);
    byte[] content = frames.get(delimiter + 5);
    String expected = hmac.calculateSignature(header, parent, metadata, content);
    if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), signature)) {
      throw new SecurityException("bad HMAC signature");
    }
    return parse(
        new ArrayList<>(frames.subList(0, delimiter)),
        header,
        parent,
        metadata,
        content,
        new ArrayList<>(frames.subList(delimiter + 6, frames.size())));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Message<?> parse(
      List<byte[]> identities, byte[] headerRaw, byte[] parentRaw, byte[] metadataRaw, byte[] contentRaw, List<byte[]> blobs) {
    Header<?> header = GSON.fromJson(new String(headerRaw, StandardCharsets.UTF_8), Header.class);
    if (header == null || header.getType() == null) {
      throw new MalformedMessageException("message without a header or msg_type");
    }
    Header<?> parent = null;
    JsonElement parentJson = new JsonParser().parse(new String(parentRaw, StandardCharsets.UTF_8));
    if (parentJson.isJsonObject() && parentJson.getAsJsonObject().size() > 0) {
      parent = GSON.fromJson(parentJson, Header.class);
    }
    Map<String, Object> metadata = GSON.fromJson(new String(metadataRaw, StandardCharsets.UTF_8), JSON_MAP);
    Object content = GSON.fromJson(new String(contentRaw, StandardCharsets.UTF_8), header.getType().getContentType());
    return new Message(identities, header, parent, metadata, content, blobs);
  }

  /** Stops serving (the thread ends within one poll interval) and waits up to 2 s for it. */
  void stop() {
    running = false;
    Thread t = thread;
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    stop();
    super.close();
  }

  @Override
  public void waitUntilClose() {
    Thread t = thread;
    if (t != null) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The frames of a message do not form a Jupyter message. */
  static final class MalformedMessageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MalformedMessageException(String message) {
      super(message);
    }
  }
}
