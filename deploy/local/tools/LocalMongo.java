import de.bwaldvogel.mongo.MongoServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.opencrm.testkit.mongo.IdIndexedH2Backend;

/**
 * Runs mongo-java-server on its H2 (MVStore) backend for the local platform, as the test kit's
 * {@link IdIndexedH2Backend} (compiled into this tool's jar from platform-test's sources; it needs only the
 * mongo jars): filters that pin {@code _id} and string {@code _id} ranges are answered from the {@code _id}
 * index, as the services' hot paths expect, and a reply is a snapshot of the documents. The stock backend encoded its stored documents
 * after releasing the collection's lock, so a document updated meanwhile went out half-changed or the reader's
 * connection was closed. The file format is the stock backend's: data written before opens as it was.
 *
 * <p>The library's own {@code H2MongoServer} main binds "localhost":27017 with no way to choose the address
 * or port; this one binds exactly the given address, so the server never leaves loopback.
 *
 * <p>Usage: {@code LocalMongo --file <path> [--host 127.0.0.1] [--port 27017] [--oplog]}
 */
public final class LocalMongo {

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 27017;
        String file = null;
        boolean oplog = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--file" -> file = args[++i];
                case "--oplog" -> oplog = true;
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        if (file == null) {
            throw new IllegalArgumentException("--file <path> is required");
        }
        Path path = Path.of(file).toAbsolutePath();
        Files.createDirectories(path.getParent());

        MongoServer server = new MongoServer(new IdIndexedH2Backend(path.toString()));
        if (oplog) {
            server.enableOplog();
        }
        // shutdownNow() closes client connections, then the backend, which commits and closes the MVStore file.
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow, "mongo-shutdown"));
        server.bind(new InetSocketAddress(host, port));
        System.out.println("LocalMongo listening on " + server.getLocalAddress() + ", data in " + path);
    }
}
