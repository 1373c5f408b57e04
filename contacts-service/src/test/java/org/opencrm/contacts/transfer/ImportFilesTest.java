package org.opencrm.contacts.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * An uploaded import file is read back whole whatever its size. A 1,000,000-row CSV is about 53 MB: read as one
 * batch of chunks, the reply would pass the wire protocol's 48 MB message limit (the embedded server of the local
 * run sends a whole query's answer in one batch; bench B4 found it).
 */
class ImportFilesTest {

    private static final long FILE_BYTES = 60L * 1024 * 1024;

    private static MongoServer server;
    private static MongoClient client;

    @BeforeAll
    static void start() {
        server = new MongoServer(new MemoryBackend());
        client = MongoClients.create("mongodb://127.0.0.1:" + server.bind().getPort());
    }

    @AfterAll
    static void stop() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void aFileLargerThanOneWireMessageIsReadBackWhole() throws Exception {
        var files = new ImportFiles(new MongoTemplate(client, "contacts"));
        var written = digest();
        String id = files.store("t1", "big.csv", new DigestInputStream(new Rows(FILE_BYTES), written));

        var read = digest();
        long bytes;
        try (var in = new DigestInputStream(files.open(id), read)) {
            bytes = in.transferTo(java.io.OutputStream.nullOutputStream());
        }

        assertThat(bytes).isEqualTo(FILE_BYTES);
        assertThat(read.digest()).isEqualTo(written.digest());
    }

    private static MessageDigest digest() throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256");
    }

    /** {@code size} bytes of CSV-like rows, generated as they are read. */
    private static final class Rows extends InputStream {

        private final long size;
        private long position;

        Rows(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            if (position >= size) {
                return -1;
            }
            long p = position++;
            return p % 64 == 63 ? '\n' : 'a' + (int) (p % 26);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - position);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) read();
            }
            return n;
        }
    }
}
