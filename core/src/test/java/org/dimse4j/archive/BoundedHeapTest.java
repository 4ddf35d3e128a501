package org.dimse4j.archive;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.data.Part10Writer;
import org.dimse4j.data.TransferSyntax;
import org.dimse4j.testing.DataSetDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A 200 MiB instance goes through our SCU and SCP in a JVM limited to 64 MiB of heap: the data set streams, it
 * is never held whole.
 */
@Timeout(180)
class BoundedHeapTest
{
    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";
    private static final int PIXEL_BYTES = 200 * 1024 * 1024;

    @TempDir
    Path temp;

    @Test
    void shouldStoreA200MiBInstanceWith64MiBOfHeap() throws Exception
    {
        final Path file = temp.resolve("big.dcm");
        writeInstance(file, "1.2.826.0.1.3680043.2.1143.200");
        final Path archive = temp.resolve("archive");
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final Process child = new ProcessBuilder(List.of(java, "-Xmx64m",
            "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), BoundedHeapMain.class.getName(),
            file.toString(), archive.toString(), CT))
            .redirectErrorStream(true).redirectOutput(temp.resolve("child.log").toFile()).start();
        assertTrue(child.waitFor(150, TimeUnit.SECONDS), "child finished");
        final String log = Files.readString(temp.resolve("child.log"));
        assertEquals(0, child.exitValue(), log);
        assertTrue(log.contains("status 0 max heap"), log);
        final Path stored = archive.resolve("1.2.826.0.1.3680043.2.1143.200.dcm");
        assertArrayEquals(DataSetDigest.of(file), DataSetDigest.of(stored), "stored data set identical");
    }

    private static void writeInstance(final Path file, final String sopInstance) throws IOException
    {
        final UnsafeBuffer meta = new UnsafeBuffer(new byte[1024]);
        final int metaLength = Part10Writer.writeMeta(meta, 0, CT, sopInstance,
            TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, "SCU");
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
        {
            out.write(ByteBuffer.wrap(meta.byteArray(), 0, metaLength));
            final ByteBuffer head = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
            ui(head, 0x00080016, CT);
            ui(head, 0x00080018, sopInstance);
            head.putShort((short)0x7FE0).putShort((short)0x0010).putInt(PIXEL_BYTES).flip();
            out.write(head);
            final ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
            for (int i = 0; i < PIXEL_BYTES / chunk.capacity(); i++)
            {
                chunk.clear();
                while (chunk.hasRemaining())
                {
                    chunk.putInt(i * 31 + chunk.position());
                }
                chunk.flip();
                out.write(chunk);
            }
        }
    }

    private static void ui(final ByteBuffer b, final int tag, final String uid)
    {
        final int length = (uid.length() + 1) & ~1;
        b.putShort((short)(tag >>> 16)).putShort((short)tag).putInt(length);
        for (int i = 0; i < length; i++)
        {
            b.put((byte)(i < uid.length() ? uid.charAt(i) : 0));
        }
    }
}
