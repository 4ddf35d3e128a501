package org.dimse4j.interop;

import org.dimse4j.ae.ApplicationEntity;
import org.dimse4j.ae.ClientAssociation;
import org.dimse4j.ae.ContextRequest;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.Part10Info;
import org.dimse4j.data.Part10Reader;
import org.dimse4j.data.SyntheticInstance;
import org.dimse4j.data.Tag;
import org.dimse4j.data.TransferSyntax;
import org.dimse4j.data.Uid;
import org.dimse4j.dimse.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * C-GET interoperability with DCMTK 3.6: DCMTK's getscu against our qrscp (the SOP instances of one study arrive as
 * C-STORE sub-operations on the same association), our getscu against our qrscp, our getscu against DCMTK's dcmqrscp
 * (instances stored into it by DCMTK's storescu), and our SCU cancelling a long C-GET of dcmqrscp. Loopback only.
 * <p>
 * Every retrieved data set is compared byte for byte with the stored one: our stores write the data set exactly as
 * received behind a new File Meta Information, getscu does with {@code +B}, and what dcmqrscp sends is compared with
 * what it holds on disk (with its default {@code -B} it re-encodes what storescu sent; for these instances that gives
 * the same bytes, but its copy is the one it sends). Final Success responses must not carry the Number of Remaining
 * Sub-operations (PS3.4 C.4.3.1.5, spec/status.md section 5).
 * <p>
 * DCMTK's getscu has no option to send a C-CANCEL-RQ (3.6.7: {@code getscu --help} lists none, unlike findscu and
 * movescu), so here only our SCU cancels a C-GET, of dcmqrscp; our C-GET SCP's cancel is tested with our SCU in
 * GetLoopbackTest.
 */
@Timeout(60)
final class GetInteropTest
{
    private static final String HOST = "127.0.0.1";
    private static final String ROOT = "1.2.826.0.1.3680043.9.7777.43.";
    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";
    private static final String MR = "1.2.840.10008.5.1.4.1.1.4";
    static final String STUDY_A = ROOT + "1";
    static final String STUDY_B = ROOT + "2";

    @RegisterExtension
    static final Dcmtk dcmtk = new Dcmtk();

    @TempDir
    Path temp;

    /** Writes study A (CT x3 + MR x2, one of them 600 kB) and study B (CT x2) into the archive. */
    static void archive(final Path dir) throws IOException
    {
        Files.createDirectories(dir);
        for (int i = 1; i <= 3; i++)
        {
            SyntheticInstance.write(dir.resolve("a1-" + i + ".dcm"), CT, STUDY_A + ".1." + i, STUDY_A, STUDY_A + ".1",
                i == 1 ? 600_000 : 2048);
        }
        for (int i = 1; i <= 2; i++)
        {
            SyntheticInstance.write(dir.resolve("a2-" + i + ".dcm"), MR, STUDY_A + ".2." + i, STUDY_A, STUDY_A + ".2",
                1024);
            SyntheticInstance.write(dir.resolve("b1-" + i + ".dcm"), CT, STUDY_B + ".1." + i, STUDY_B, STUDY_B + ".1",
                1024);
        }
    }

    /** @return the Part 10 files under a directory (not dcmqrscp's index.dat, nor partial files in hidden folders). */
    private static List<Path> part10Files(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.walk(dir))
        {
            return files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().equals("index.dat"))
                .filter(f -> !dir.relativize(f).toString().startsWith(".")).sorted().collect(Collectors.toList());
        }
    }

    /** @return the data set bytes (after the File Meta Information) of the Part 10 files under a directory, by UID. */
    static Map<String, byte[]> dataSetBytes(final Path dir) throws IOException
    {
        final Map<String, byte[]> sets = new TreeMap<>();
        for (final Path file : part10Files(dir))
        {
            final Part10Info info = Part10Reader.read(file);
            final byte[] bytes = Files.readAllBytes(file);
            sets.put(info.mediaStorageSopInstanceUid(), Arrays.copyOfRange(bytes, info.dataSetOffset(), bytes.length));
        }
        return sets;
    }

    /** @return the entries whose SOP Instance UID starts with {@code prefix}. */
    static Map<String, byte[]> under(final Map<String, byte[]> sets, final String prefix)
    {
        final Map<String, byte[]> some = new TreeMap<>(sets);
        some.keySet().removeIf(uid -> !uid.startsWith(prefix));
        return some;
    }

    /** Asserts the same instances, each data set the same bytes. */
    static void assertSameBytes(final Map<String, byte[]> expected, final Map<String, byte[]> actual)
    {
        assertFalse(expected.isEmpty(), "nothing to compare");
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((uid, bytes) -> assertArrayEquals(bytes, actual.get(uid), uid));
    }

    /**
     * @param output      a DCMTK tool's {@code -d} output.
     * @param messageType e.g. "C-GET RSP".
     * @return the last incoming DIMSE message of that type, as DCMTK dumped it.
     */
    static String lastIncoming(final String output, final String messageType)
    {
        final String[] blocks = output.split("INCOMING DIMSE MESSAGE");
        for (int i = blocks.length - 1; i > 0; i--)
        {
            final String block = blocks[i].split("END DIMSE MESSAGE")[0];
            if (block.matches("(?s).*Message Type *: " + messageType + "\\b.*"))
            {
                return block;
            }
        }
        throw new AssertionError("no incoming " + messageType + " in:\n" + output);
    }

    @Test
    void dcmtkGetscuAgainstOurQrscp() throws IOException
    {
        final Path archive = temp.resolve("archive");
        archive(archive);
        final Map<String, byte[]> stored = dataSetBytes(archive);
        final int port = Dcmtk.freePort();
        try (OurTool.Server server = OurTool.Server.start(port, "qrscp", "-aet", "QRSCP", "-od", archive.toString(),
            Integer.toString(port)))
        {
            assertTrue(server.isAlive());
            // getscu bit preserving: the data sets are written as they arrive
            final Path out = Files.createDirectories(temp.resolve("dcmtk-out"));
            final Dcmtk.Run run = dcmtk.run("getscu", "-d", "+B", "-aec", "QRSCP", "-S", "-k",
                "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + STUDY_A, "-od", out.toString(), HOST,
                Integer.toString(port));
            assertEquals(0, run.exitCode(), run.output());
            assertSameBytes(under(stored, STUDY_A + "."), dataSetBytes(out));
            final String last = lastIncoming(run.output(), "C-GET RSP");
            assertTrue(last.matches("(?s).*DIMSE Status *: 0x0000: Success.*"), last);
            assertTrue(last.matches("(?s).*Remaining Suboperations *: none.*"), last);
            assertTrue(last.matches("(?s).*Completed Suboperations *: 5\\b.*"), last);
            assertTrue(last.matches("(?s).*Data Set *: none.*"), last);

            // SERIES level
            final Path series = Files.createDirectories(temp.resolve("dcmtk-series"));
            final Dcmtk.Run run2 = dcmtk.run("getscu", "+B", "-aec", "QRSCP", "-S", "-k", "QueryRetrieveLevel=SERIES",
                "-k", "StudyInstanceUID=" + STUDY_A, "-k", "SeriesInstanceUID=" + STUDY_A + ".2",
                "-od", series.toString(), HOST, Integer.toString(port));
            assertEquals(0, run2.exitCode(), run2.output());
            assertSameBytes(under(stored, STUDY_A + ".2."), dataSetBytes(series));

            // and our own getscu against our qrscp
            final Path ours = temp.resolve("ours");
            final OurTool.Result result = OurTool.run(dcmtk, "getscu", "-aec", "QRSCP", "-k",
                "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + STUDY_B, "-od", ours.toString(), HOST,
                Integer.toString(port));
            assertEquals(0, result.exitCode(), result.err());
            assertTrue(result.out().contains("2 received; completed 2, failed 0, warning 0; status 0x0000"),
                result.out());
            assertSameBytes(under(stored, STUDY_B + "."), dataSetBytes(ours));
        }
    }

    @Test
    void ourGetscuAgainstDcmqrscp() throws IOException
    {
        final Path instances = temp.resolve("instances");
        archive(instances);
        final int port = Dcmtk.freePort();
        final Dcmtk.Run scp = dcmtk.startDcmqrscp(temp, port);
        final List<String> storescu = new ArrayList<>(List.of("-aec", "DCMQRSCP", HOST, Integer.toString(port)));
        try (Stream<Path> files = Files.list(instances))
        {
            files.sorted().forEach(f -> storescu.add(f.toString()));
        }
        assertEquals(0, dcmtk.run("storescu", storescu.toArray(String[]::new)).exitCode());
        final Map<String, byte[]> held = dataSetBytes(temp.resolve("db"));
        assertEquals(7, held.size(), "dcmqrscp holds what storescu sent");

        final Path out = temp.resolve("from-dcmqrscp");
        final OurTool.Result result = OurTool.run(dcmtk, "getscu", "-S", "-aec", "DCMQRSCP", "-k",
            "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + STUDY_A, "-od", out.toString(), HOST,
            Integer.toString(port));
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("5 received; completed 5, failed 0, warning 0; status 0x0000"),
            result.out());
        assertSameBytes(under(held, STUDY_A + "."), dataSetBytes(out));

        // the final Success response, as our SCU saw it: no Remaining, no Failed SOP Instance UID List
        try (ClientAssociation assoc = getScu(port))
        {
            final ClientAssociation.GetResult get = assoc.get(Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET,
                keys(STUDY_B), temp.resolve("b"), null);
            assertEquals(Status.SUCCESS, get.status());
            assertEquals(-1, get.remaining(), "Number of Remaining Sub-operations in a final Success response");
            assertEquals(2, get.completed());
            assertEquals(0, get.failed());
            assertEquals(0, get.warning());
            assertTrue(get.failedSopInstanceUids().isEmpty());
            assertSameBytes(under(held, STUDY_B + "."), dataSetBytes(temp.resolve("b")));
        }
        scp.destroy();
    }

    private static DataSet keys(final String study)
    {
        return new DataSet().putString(Tag.QUERY_RETRIEVE_LEVEL, "STUDY").putString(Tag.STUDY_INSTANCE_UID, study);
    }

    /** @return an association to dcmqrscp for C-GET, receiving CT and MR instances. */
    private static ClientAssociation getScu(final int port) throws IOException
    {
        return ApplicationEntity.named("GETSCU").dimseTimeoutMs(30_000).build().connect(HOST, port, "DCMQRSCP",
            ContextRequest.of(Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET),
            ContextRequest.retrieveStorage(CT, TransferSyntax.UNCOMPRESSED),
            ContextRequest.retrieveStorage(MR, TransferSyntax.UNCOMPRESSED));
    }

    @Test
    void ourScuCancelsALongGetOfDcmqrscp() throws IOException
    {
        final int total = 120;
        final Path instances = Files.createDirectories(temp.resolve("instances"));
        final String study = ROOT + "60";
        MoveInteropTest.writeSeries(instances, study, total, 20_000);
        final int port = Dcmtk.freePort();
        dcmtk.startDcmqrscp(temp, port);
        assertEquals(0, dcmtk.run("storescu", "-aec", "DCMQRSCP", "+sd", HOST, Integer.toString(port),
            instances.toString()).exitCode());
        final Map<String, byte[]> held = dataSetBytes(temp.resolve("db"));
        assertEquals(total, held.size());

        final Path out = temp.resolve("out");
        try (ClientAssociation assoc = getScu(port))
        {
            final AtomicBoolean cancelled = new AtomicBoolean();
            final List<ClientAssociation.GetResult> pendings = new ArrayList<>();
            final ClientAssociation.GetResult result = assoc.get(Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET,
                keys(study), out, p ->
                {
                    pendings.add(p);
                    if (cancelled.compareAndSet(false, true))
                    {
                        try
                        {
                            assoc.cancel(assoc.findMessageId());
                        }
                        catch (final IOException ex)
                        {
                            throw new UncheckedIOException(ex);
                        }
                    }
                });
            assertEquals(Status.CANCEL, result.status(), Status.describe(result.status()));
            assertTrue(result.completed() >= 1 && result.completed() < total, "completed " + result.completed());
            assertEquals(0, result.failed());
            assertEquals(0, result.warning());
            assertTrue(result.failedSopInstanceUids().isEmpty(), "nothing failed: no Failed SOP Instance UID List");
            // optional in a Cancel response; dcmqrscp sends it: the sub-operations it did not begin
            assertEquals(total, result.completed() + result.remaining(), "remaining " + result.remaining());
            for (final ClientAssociation.GetResult p : pendings)
            {
                assertEquals(total, p.remaining() + p.completed() + p.failed() + p.warning(), p.toString());
            }
            // every instance that arrived is complete, byte for byte
            assertEquals(result.completed(), result.received().size());
            final Map<String, byte[]> received = dataSetBytes(out);
            assertEquals(result.received().size(), received.size());
            received.forEach((uid, bytes) -> assertArrayEquals(held.get(uid), bytes, uid));
            assertEquals(Status.SUCCESS, assoc.get(Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET,
                keys(ROOT + "61"), temp.resolve("none"), null).status(), "the association goes on");
        }
    }
}
