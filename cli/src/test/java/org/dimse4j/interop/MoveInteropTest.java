package org.dimse4j.interop;

import org.dimse4j.ae.ApplicationEntity;
import org.dimse4j.ae.ClientAssociation;
import org.dimse4j.ae.ContextRequest;
import org.dimse4j.ae.Server;
import org.dimse4j.archive.DirectoryStore;
import org.dimse4j.data.DataSet;
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
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.dimse4j.interop.GetInteropTest.STUDY_A;
import static org.dimse4j.interop.GetInteropTest.STUDY_B;
import static org.dimse4j.interop.GetInteropTest.assertSameBytes;
import static org.dimse4j.interop.GetInteropTest.dataSetBytes;
import static org.dimse4j.interop.GetInteropTest.lastIncoming;
import static org.dimse4j.interop.GetInteropTest.under;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * C-MOVE interoperability with DCMTK 3.6: DCMTK's movescu (its own {@code +P} Storage SCP as the destination, bit
 * preserving) against our qrscp, with a cancel and with unknown and unreachable destinations; our movescu against
 * DCMTK's dcmqrscp, and our SCU cancelling a long C-MOVE there. Loopback only.
 * <p>
 * Every moved data set is compared byte for byte with the stored one (see {@link GetInteropTest}), and the counters
 * of the final responses are checked against PS3.4 C.4.2.1.6-9: no Number of Remaining Sub-operations in a final
 * Success or Failure response, Remaining (optional there) = the sub-operations not begun in a Cancel response.
 */
@Timeout(90)
final class MoveInteropTest
{
    private static final String HOST = "127.0.0.1";
    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";

    @RegisterExtension
    static final Dcmtk dcmtk = new Dcmtk();

    @TempDir
    Path temp;

    private static long count(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.walk(dir))
        {
            return files.filter(MoveInteropTest::isInstanceFile).count();
        }
    }

    /** A regular file outside our SCPs' .incoming (where empty files wait, created ahead). */
    static boolean isInstanceFile(final Path file)
    {
        return Files.isRegularFile(file) && !DirectoryStore.isTemporary(file);
    }

    @Test
    void dcmtkMovescuAgainstOurQrscp() throws IOException
    {
        final Path archive = temp.resolve("archive");
        GetInteropTest.archive(archive);
        final Map<String, byte[]> stored = dataSetBytes(archive);
        final Map<String, byte[]> studyA = under(stored, STUDY_A + ".");
        assertEquals(5, studyA.size());
        final int port = Dcmtk.freePort();
        final int destPort = Dcmtk.freePort();
        final int storePort = Dcmtk.freePort();
        final Path table = Files.writeString(temp.resolve("aes.txt"), "# C-MOVE destinations\nMOVESCU 127.0.0.1 " +
            destPort + "\nSTORESCP 127.0.0.1 " + storePort + "\n");
        try (OurTool.Server server = OurTool.Server.start(port, "qrscp", "-aet", "QRSCP", "-od", archive.toString(),
            "--ae-table", table.toString(), Integer.toString(port)))
        {
            assertTrue(server.isAlive());
            // to DCMTK's storescp, bit preserving: the data sets arrive byte for byte
            final Path out = Files.createDirectories(temp.resolve("dcmtk-out"));
            final Dcmtk.Run storescp = dcmtk.start("storescp", "-aet", "STORESCP", "+B", "-od", out.toString(),
                Integer.toString(storePort));
            Dcmtk.awaitPort(storePort, 10_000, storescp);
            final Dcmtk.Run run = dcmtk.run("movescu", "-v", "-d", "-S", "-aem", "STORESCP",
                "-aec", "QRSCP", "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + STUDY_A,
                HOST, Integer.toString(port));
            assertEquals(0, run.exitCode(), run.output());
            final String output = run.output();
            assertTrue(output.matches("(?s).*Received Final Move Response.*DIMSE Status *: 0x0000: Success.*"), output);
            // the final Success response: the counters, no Remaining (PS3.4 C.4.2.1.6), no data set
            final String last = lastIncoming(output, "C-MOVE RSP");
            assertTrue(last.matches("(?s).*Remaining Suboperations *: none.*"), last);
            assertTrue(last.matches("(?s).*Completed Suboperations *: 5\\b.*"), last);
            assertTrue(last.matches("(?s).*Failed Suboperations *: 0\\b.*"), last);
            assertTrue(last.matches("(?s).*Warning Suboperations *: 0\\b.*"), last);
            assertTrue(last.matches("(?s).*Data Set *: none.*"), last);
            assertSameBytes(studyA, dataSetBytes(out));

            // to movescu's own +P listener, bit preserving too (which then writes into its working directory)
            final Path own = Files.createDirectories(temp.resolve("dcmtk-own"));
            final Dcmtk.Run run1 = dcmtk.runIn(own, "movescu", "-S", "-aet", "MOVESCU", "-aec", "QRSCP",
                "+P", Integer.toString(destPort), "+B", "-od", own.toString(), "-k", "QueryRetrieveLevel=STUDY",
                "-k", "StudyInstanceUID=" + STUDY_A, HOST, Integer.toString(port));
            assertEquals(0, run1.exitCode(), run1.output());
            assertSameBytes(studyA, dataSetBytes(own));

            // SERIES level
            final Path series = Files.createDirectories(temp.resolve("dcmtk-series"));
            final Dcmtk.Run run2 = dcmtk.runIn(series, "movescu", "-S", "-aem", "MOVESCU", "-aec", "QRSCP",
                "+P", Integer.toString(destPort), "+B", "-od", series.toString(), "-k", "QueryRetrieveLevel=SERIES",
                "-k", "StudyInstanceUID=" + STUDY_A, "-k", "SeriesInstanceUID=" + STUDY_A + ".2",
                HOST, Integer.toString(port));
            assertEquals(0, run2.exitCode(), run2.output());
            assertSameBytes(under(stored, STUDY_A + ".2."), dataSetBytes(series));

            // our movescu against our qrscp, receiving with its own +P listener
            final Path ours = temp.resolve("ours");
            final OurTool.Result result = OurTool.run(dcmtk, "movescu", "-aec", "QRSCP", "+P",
                Integer.toString(destPort), "-od", ours.toString(), "-k", "QueryRetrieveLevel=STUDY",
                "-k", "StudyInstanceUID=" + STUDY_B, HOST, Integer.toString(port));
            assertEquals(0, result.exitCode(), result.err());
            assertTrue(result.out().contains("2 received; moved to MOVESCU: completed 2, failed 0, warning 0; " +
                "status 0x0000"), result.out());
            assertSameBytes(under(stored, STUDY_B + "."), dataSetBytes(ours));
        }
    }

    @Test
    void dcmtkMovescuCancelsALongMoveOfOurQrscp() throws IOException
    {
        // enough sub-operations that DCMTK's C-CANCEL, sent on the first Pending response, lands before the last
        // one even on a loaded machine (60 were all done first once under a load average of 12)
        final int total = 300;
        final Path archive = Files.createDirectories(temp.resolve("archive"));
        final String study = "1.2.826.0.1.3680043.9.7777.44.1";
        writeSeries(archive, study, total, 8_000);
        final int port = Dcmtk.freePort();
        final int destPort = Dcmtk.freePort();
        try (OurTool.Server server = OurTool.Server.start(port, "qrscp", "-aet", "QRSCP", "-od", archive.toString(),
            "--move-destination", "MOVESCU=127.0.0.1:" + destPort, Integer.toString(port)))
        {
            assertTrue(server.isAlive());
            final Path out = Files.createDirectories(temp.resolve("out"));
            final Dcmtk.Run run = dcmtk.run("movescu", "-v", "-d", "-S", "--cancel", "1", "-aec", "QRSCP",
                "+P", Integer.toString(destPort), "-od", out.toString(), "-k", "QueryRetrieveLevel=STUDY",
                "-k", "StudyInstanceUID=" + study, HOST, Integer.toString(port));
            final String output = run.output();
            assertTrue(output.matches("(?s).*Received Final Move Response.*DIMSE Status *: 0xfe00: Cancel.*"), output);
            final long arrived = count(out);
            assertTrue(arrived >= 1 && arrived < total, "arrived " + arrived + "\n" + output);
            assertTrue(output.matches("(?s).*Completed Suboperations *: *" + arrived + "\\b.*"), output);
            // our Cancel response carries Remaining (optional there): the sub-operations not begun
            final String last = lastIncoming(output, "C-MOVE RSP");
            assertTrue(last.matches("(?s).*Remaining Suboperations *: " + (total - arrived) + "\\b.*"), last);
            assertTrue(last.matches("(?s).*Failed Suboperations *: 0\\b.*"), last);
            assertTrue(last.matches("(?s).*Data Set *: none.*"), last);

            // the SCP goes on: the whole study on a new association
            final Path all = Files.createDirectories(temp.resolve("all"));
            final Dcmtk.Run again = dcmtk.run("movescu", "-S", "-aec", "QRSCP", "+P", Integer.toString(destPort),
                "-od", all.toString(), "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + study,
                HOST, Integer.toString(port));
            assertEquals(0, again.exitCode(), again.output());
            assertEquals(total, count(all));
        }
    }

    @Test
    void unknownAndUnreachableDestinations() throws IOException
    {
        final Path archive = temp.resolve("archive");
        GetInteropTest.archive(archive);
        final int port = Dcmtk.freePort();
        final int destPort = Dcmtk.freePort();
        final int deadPort = Dcmtk.freePort();
        try (OurTool.Server server = OurTool.Server.start(port, "qrscp", "-aet", "QRSCP", "-od", archive.toString(),
            "--move-destination", "MOVESCU=127.0.0.1:" + destPort, "--move-destination", "DEAD=127.0.0.1:" + deadPort,
            Integer.toString(port)))
        {
            assertTrue(server.isAlive());
            final Path out = Files.createDirectories(temp.resolve("out"));
            final Dcmtk.Run unknown = dcmtk.run("movescu", "-v", "-d", "-S", "-aec", "QRSCP", "-aem", "NOWHERE",
                "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + STUDY_A,
                HOST, Integer.toString(port));
            assertTrue(unknown.output().matches("(?s).*DIMSE Status *: 0xa801.*"), unknown.output());
            final OurTool.Result ours = OurTool.run(dcmtk, "movescu", "-aec", "QRSCP", "-aem", "NOWHERE",
                "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + STUDY_A, HOST, Integer.toString(port));
            assertEquals(1, ours.exitCode());
            assertTrue(ours.out().contains("completed 0, failed 0, warning 0; status 0xA801"), ours.out());

            // nothing listens on DEAD's port: all five sub-operations fail, 0xA702 with the failed UIDs
            final Dcmtk.Run dead = dcmtk.run("movescu", "-v", "-d", "-S", "-aec", "QRSCP", "-aem", "DEAD",
                "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + STUDY_A,
                HOST, Integer.toString(port));
            assertTrue(dead.output().matches("(?s).*DIMSE Status *: 0xa702.*"), dead.output());
            assertTrue(dead.output().matches("(?s).*Failed Suboperations *: *5\\b.*"), dead.output());
            final String deadLast = lastIncoming(dead.output(), "C-MOVE RSP");
            assertTrue(deadLast.matches("(?s).*Remaining Suboperations *: none.*"), deadLast);
            assertTrue(deadLast.matches("(?s).*Data Set *: present.*"), deadLast);
            final OurTool.Result ourDead = OurTool.run(dcmtk, "movescu", "-aec", "QRSCP", "-aem", "DEAD",
                "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + STUDY_A, HOST, Integer.toString(port));
            assertEquals(1, ourDead.exitCode());
            assertTrue(ourDead.out().contains("completed 0, failed 5, warning 0; status 0xA702"), ourDead.out());
            assertTrue(ourDead.out().contains("failed SOP instances: " + STUDY_A + "."), ourDead.out());
            assertEquals(0, count(out));

            // and the SCP keeps serving
            final Dcmtk.Run ok = dcmtk.run("movescu", "-S", "-aec", "QRSCP", "+P", Integer.toString(destPort),
                "-od", out.toString(), "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + STUDY_A,
                HOST, Integer.toString(port));
            assertEquals(0, ok.exitCode(), ok.output());
            assertEquals(5, count(out));
        }
    }

    @Test
    void ourMovescuAgainstDcmqrscp() throws IOException
    {
        final Path instances = temp.resolve("instances");
        GetInteropTest.archive(instances);
        final int port = Dcmtk.freePort();
        final int destPort = Dcmtk.freePort();
        dcmtk.startDcmqrscp(temp, port, Map.of("MOVESCU", destPort));
        final List<String> storescu = new ArrayList<>(List.of("-aec", "DCMQRSCP", HOST, Integer.toString(port)));
        try (Stream<Path> files = Files.list(instances))
        {
            files.sorted().forEach(f -> storescu.add(f.toString()));
        }
        assertEquals(0, dcmtk.run("storescu", storescu.toArray(String[]::new)).exitCode());
        // what dcmqrscp sends is what it holds on disk (its default -B re-encodes what storescu sent)
        final Map<String, byte[]> held = dataSetBytes(temp.resolve("db"));
        assertEquals(7, held.size());

        final Path out = temp.resolve("from-dcmqrscp");
        final OurTool.Result result = OurTool.run(dcmtk, "movescu", "-S", "-aec", "DCMQRSCP", "+P",
            Integer.toString(destPort), "-od", out.toString(), "-k", "QueryRetrieveLevel=STUDY",
            "-k", "StudyInstanceUID=" + STUDY_A, HOST, Integer.toString(port));
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("5 received; moved to MOVESCU: completed 5, failed 0, warning 0; " +
            "status 0x0000"), result.out());
        assertSameBytes(under(held, STUDY_A + "."), dataSetBytes(out));

        // the final Success response as our SCU sees it: no Remaining, no Failed SOP Instance UID List
        final Path outB = Files.createDirectories(temp.resolve("b"));
        try (Server destination = ApplicationEntity.named("MOVESCU")
            .acceptStorage(TransferSyntax.ALL_KNOWN, DirectoryStore.of(outB)).build()
            .listen(new InetSocketAddress(HOST, destPort));
            ClientAssociation assoc = ApplicationEntity.named("MOVESCU").dimseTimeoutMs(30_000).build()
                .connect(HOST, port, "DCMQRSCP",
                    ContextRequest.of(Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE)))
        {
            final ClientAssociation.GetResult move = assoc.move(Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE,
                new DataSet().putString(Tag.QUERY_RETRIEVE_LEVEL, "STUDY").putString(Tag.STUDY_INSTANCE_UID, STUDY_B),
                "MOVESCU", null);
            assertEquals(Status.SUCCESS, move.status());
            assertEquals(-1, move.remaining(), "Number of Remaining Sub-operations in a final Success response");
            assertEquals(2, move.completed());
            assertEquals(0, move.failed());
            assertTrue(move.failedSopInstanceUids().isEmpty());
            assertSameBytes(under(held, STUDY_B + "."), dataSetBytes(outB));
            assertEquals(destPort, destination.port());
        }

        // an unknown destination: DCMTK answers 0xA801 too
        final OurTool.Result unknown = OurTool.run(dcmtk, "movescu", "-S", "-aec", "DCMQRSCP", "-aem", "NOWHERE",
            "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + STUDY_A, HOST, Integer.toString(port));
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.out().contains("status 0xA801"), unknown.out());
    }

    @Test
    void ourScuCancelsALongMoveOfDcmqrscp() throws IOException
    {
        final int total = 120;
        final Path instances = Files.createDirectories(temp.resolve("instances"));
        final String study = "1.2.826.0.1.3680043.9.7777.45.1";
        writeSeries(instances, study, total, 20_000);
        final int port = Dcmtk.freePort();
        final int destPort = Dcmtk.freePort();
        dcmtk.startDcmqrscp(temp, port, Map.of("MOVESCU", destPort));
        assertEquals(0, dcmtk.run("storescu", "-aec", "DCMQRSCP", "+sd", HOST, Integer.toString(port),
            instances.toString()).exitCode());

        final Path out = Files.createDirectories(temp.resolve("out"));
        try (Server destination = ApplicationEntity.named("MOVESCU")
            .acceptStorage(TransferSyntax.ALL_KNOWN, DirectoryStore.of(out)).build()
            .listen(new InetSocketAddress(HOST, destPort));
            ClientAssociation assoc = ApplicationEntity.named("MOVESCU").dimseTimeoutMs(30_000).build()
                .connect(HOST, port, "DCMQRSCP",
                    ContextRequest.of(Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE)))
        {
            final AtomicBoolean cancelled = new AtomicBoolean();
            final ClientAssociation.GetResult result = assoc.move(Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE,
                new DataSet().putString(Tag.QUERY_RETRIEVE_LEVEL, "STUDY").putString(Tag.STUDY_INSTANCE_UID, study),
                "MOVESCU", p ->
                {
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
            assertEquals(Status.CANCEL, result.status());
            assertTrue(result.completed() >= 1 && result.completed() < total, "completed " + result.completed());
            assertEquals(0, result.failed());
            assertTrue(result.failedSopInstanceUids().isEmpty(), "nothing failed: no Failed SOP Instance UID List");
            assertEquals(total, result.completed() + result.remaining(), "remaining " + result.remaining());
            // what arrived is complete, byte for byte as dcmqrscp holds it
            final Map<String, byte[]> held = dataSetBytes(temp.resolve("db"));
            final Map<String, byte[]> arrived = dataSetBytes(out);
            assertEquals(result.completed(), arrived.size());
            arrived.forEach((uid, bytes) -> assertArrayEquals(held.get(uid), bytes, uid));
            assertEquals(destPort, destination.port());
        }
    }

    /** Writes {@code total} CT instances of series {@code study.1} as {@code 1.dcm}, {@code 2.dcm}, ... */
    static void writeSeries(final Path dir, final String study, final int total, final int pixelBytes)
        throws IOException
    {
        for (int i = 1; i <= total; i++)
        {
            SyntheticInstance.write(dir.resolve(i + ".dcm"), CT, study + ".1." + i, study, study + ".1", pixelBytes);
        }
    }
}
