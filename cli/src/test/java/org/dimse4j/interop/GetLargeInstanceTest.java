package org.dimse4j.interop;

import org.dimse4j.cli.Main;
import org.dimse4j.data.Part10Info;
import org.dimse4j.data.Part10Reader;
import org.dimse4j.data.SyntheticInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our getscu retrieves an instance larger than its whole heap: an 80 MiB CT arrives from our qrscp and from DCMTK's
 * dcmqrscp in a getscu JVM limited to 64 MiB of heap (a process of its own), with its data set byte for byte as
 * stored and nothing else left under the output directory. So each data set streams to disk as it arrives.
 */
@Timeout(180)
final class GetLargeInstanceTest
{
    private static final String HOST = "127.0.0.1";
    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";
    private static final String STUDY = "1.2.826.0.1.3680043.9.7777.44.1";
    private static final String SOP_INSTANCE = STUDY + ".1.1";
    private static final long PIXEL_BYTES = 80L << 20;

    @RegisterExtension
    static final Dcmtk dcmtk = new Dcmtk();

    @TempDir
    Path temp;

    @Test
    void shouldGetAnInstanceLargerThanTheHeapFromOurQrscp() throws Exception
    {
        final Path archive = Files.createDirectories(temp.resolve("archive"));
        final Path source = archive.resolve("big.dcm");
        SyntheticInstance.write(source, CT, SOP_INSTANCE, STUDY, STUDY + ".1", PIXEL_BYTES);
        final int port = Dcmtk.freePort();
        try (OurTool.Server server = OurTool.Server.start(port, "qrscp", "-aet", "QRSCP", "-od", archive.toString(),
            Integer.toString(port)))
        {
            assertTrue(server.isAlive());
            getscuUnderSmallHeap(source, "QRSCP", port);
        }
    }

    @Test
    void shouldGetAnInstanceLargerThanTheHeapFromDcmqrscp() throws Exception
    {
        final Path source = temp.resolve("big.dcm");
        SyntheticInstance.write(source, CT, SOP_INSTANCE, STUDY, STUDY + ".1", PIXEL_BYTES);
        final int port = Dcmtk.freePort();
        final Dcmtk.Run scp = dcmtk.startDcmqrscp(temp, port);
        try
        {
            final Dcmtk.Run store = dcmtk.run("storescu", "-aec", "DCMQRSCP", HOST, Integer.toString(port),
                source.toString());
            assertEquals(0, store.exitCode(), store.output());
            getscuUnderSmallHeap(source, "DCMQRSCP", port);
        }
        finally
        {
            scp.destroy();
        }
    }

    /** Runs our getscu with -Xmx64m in a process of its own and checks what arrived. */
    private void getscuUnderSmallHeap(final Path source, final String calledAeTitle, final int port)
        throws Exception
    {
        final Path out = temp.resolve("out");
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final List<String> command = new ArrayList<>(List.of(java, "-Xmx64m",
            "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), Main.class.getName(),
            "getscu", "-S", "-aec", calledAeTitle, "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + STUDY,
            "-od", out.toString(), HOST, Integer.toString(port)));
        final Path log = temp.resolve("getscu.log");
        final Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
            .start();
        try
        {
            assertTrue(child.waitFor(120, TimeUnit.SECONDS), "getscu finished");
        }
        finally
        {
            child.destroyForcibly();
        }
        final String output = Files.readString(log);
        dcmtk.note("getscu -Xmx64m (exit " + child.exitValue() + ")", output);
        assertEquals(0, child.exitValue(), output);
        assertTrue(output.contains("1 received; completed 1, failed 0, warning 0; status 0x0000"), output);
        final Path received = out.toAbsolutePath().resolve(SOP_INSTANCE + ".dcm");
        try (Stream<Path> files = Files.walk(out))
        {
            assertEquals(List.of(received), files.filter(Files::isRegularFile).map(Path::toAbsolutePath)
                .collect(Collectors.toList()), "one file, no temporary one left");
        }
        assertEquals(CT, Part10Reader.read(received).mediaStorageSopClassUid());
        assertArrayEquals(dataSetDigest(source), dataSetDigest(received), "data set byte for byte");
    }

    private static byte[] dataSetDigest(final Path file) throws Exception
    {
        final Part10Info info = Part10Reader.read(file);
        final MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ))
        {
            in.position(info.dataSetOffset());
            final ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
            while (in.read(chunk) > 0)
            {
                chunk.flip();
                digest.update(chunk);
                chunk.clear();
            }
        }
        return digest.digest();
    }
}
