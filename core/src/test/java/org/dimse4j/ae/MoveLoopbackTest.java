package org.dimse4j.ae;

import org.dimse4j.archive.ArchiveIndex;
import org.dimse4j.archive.DirectoryStore;
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
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Our C-MOVE SCU against our C-MOVE SCP over loopback, the instances going to our Storage SCP as the Move
 * Destination: byte-for-byte arrival, Patient Root, unknown destination (0xA801), a destination that is not
 * listening or rejects the association (0xA702, all failed), cancel mid-way (0xFE00), and the originating association
 * aborted mid-way (the sub-association ends too, no worker thread is left).
 */
@Timeout(60)
class MoveLoopbackTest
{
    private static final String STUDY_ROOT = Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE;
    private static final String PATIENT_ROOT = Uid.PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE;
    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";

    @TempDir
    Path tmp;

    private final Map<String, Path> stored = new HashMap<>();

    private ArchiveIndex archive(final Path dir, final String study, final int count, final long pixelBytes)
        throws IOException
    {
        Files.createDirectories(dir);
        final ArchiveIndex index = ArchiveIndex.rebuild(dir);
        for (int i = 1; i <= count; i++)
        {
            final String uid = study + ".1." + i;
            final Path file = dir.resolve(uid + ".dcm");
            SyntheticInstance.write(file, CT, uid, study, study + ".1", pixelBytes);
            index.add(file);
            stored.put(uid, file);
        }
        return index;
    }

    private static Server qrscp(final ArchiveIndex index, final AeTable peers) throws IOException
    {
        return ApplicationEntity.named("QRSCP").queryIndex(index).remoteAes(peers).dimseTimeoutMs(20_000).build()
            .listen(new InetSocketAddress("127.0.0.1", 0));
    }

    private static Server destination(final Path dir, final Set<String> callers) throws IOException
    {
        return ApplicationEntity.named("DEST").allowedCallingAeTitles(callers)
            .acceptStorage(TransferSyntax.ALL_KNOWN, DirectoryStore.of(dir))
            .build().listen(new InetSocketAddress("127.0.0.1", 0));
    }

    private static ClientAssociation connect(final Server server) throws IOException
    {
        return ApplicationEntity.named("MOVESCU").dimseTimeoutMs(20_000).build().connect("127.0.0.1", server.port(),
            "QRSCP", List.of(ContextRequest.of(STUDY_ROOT), ContextRequest.of(PATIENT_ROOT)), null);
    }

    private static DataSet keys(final String study)
    {
        return new DataSet().putString(Tag.QUERY_RETRIEVE_LEVEL, "STUDY").putString(Tag.STUDY_INSTANCE_UID, study);
    }

    private static byte[] dataSet(final Path file) throws IOException
    {
        final Part10Info info = Part10Reader.read(file);
        final byte[] all = Files.readAllBytes(file);
        return Arrays.copyOfRange(all, info.dataSetOffset(), all.length);
    }

    private static List<Path> files(final Path dir) throws IOException
    {
        if (!Files.isDirectory(dir))
        {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir))
        {
            return s.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".dcm"))
                .collect(Collectors.toList());
        }
    }

    /** @return a socket holding a loopback port without listening on it: connecting there is refused. */
    private static java.net.Socket boundNotListening() throws IOException
    {
        final java.net.Socket socket = new java.net.Socket();
        socket.bind(new InetSocketAddress("127.0.0.1", 0));
        return socket;
    }

    private static long moveWorkerThreads()
    {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && t.getName().startsWith("dimse4j-QRSCP-") && t.getName().contains("-move-"))
            .count();
    }

    @Test
    void shouldMoveAStudyByteForByte() throws IOException
    {
        final ArchiveIndex index = archive(tmp.resolve("archive"), "1.2.3.100", 5, 200_000);
        final Path out = tmp.resolve("dest");
        try (Server dest = destination(out, Set.of());
            Server server = qrscp(index, AeTable.of(new RemoteAe("DEST", "127.0.0.1", dest.port())));
            ClientAssociation assoc = connect(server))
        {
            final List<ClientAssociation.GetResult> pendings = new ArrayList<>();
            final ClientAssociation.GetResult result = assoc.move(STUDY_ROOT, keys("1.2.3.100"), "DEST",
                pendings::add);
            assertEquals(Status.SUCCESS, result.status());
            assertEquals(5, result.completed());
            assertEquals(0, result.failed());
            assertEquals(0, result.warning());
            assertTrue(result.failedSopInstanceUids().isEmpty());
            assertTrue(result.received().isEmpty());
            // Pending responses are optional (PS3.4 C.4.2.3.1): sub-operations that end within one duty cycle of
            // the I/O thread share one, and the last ones go straight to the final response
            assertTrue(pendings.size() <= 5, "at most one Pending per sub-operation: " + pendings.size());
            for (final ClientAssociation.GetResult p : pendings)
            {
                assertEquals(Status.PENDING, p.status());
                assertEquals(5, p.remaining() + p.completed() + p.failed() + p.warning());
            }
            final List<Path> arrived = files(out);
            assertEquals(5, arrived.size());
            for (final Path file : arrived)
            {
                final Part10Info info = Part10Reader.read(file);
                assertArrayEquals(dataSet(stored.get(info.mediaStorageSopInstanceUid())), dataSet(file), file.toString());
            }

            final String patientId = index.entry("1.2.3.100.1.1").attributes().string(Tag.PATIENT_ID);
            final ClientAssociation.GetResult patient = assoc.move(PATIENT_ROOT, new DataSet()
                .putString(Tag.QUERY_RETRIEVE_LEVEL, "PATIENT").putString(Tag.PATIENT_ID, patientId), "DEST", null);
            assertEquals(Status.SUCCESS, patient.status());
            assertEquals(5, patient.completed());

            final ClientAssociation.GetResult none = assoc.move(STUDY_ROOT, keys("9.9.9"), "DEST", null);
            assertEquals(Status.SUCCESS, none.status());
            assertEquals(0, none.completed());

            final ClientAssociation.GetResult bad = assoc.move(STUDY_ROOT, new DataSet()
                .putString(Tag.QUERY_RETRIEVE_LEVEL, "SERIES").putString(Tag.STUDY_INSTANCE_UID, "1.2.3.100"),
                "DEST", null);
            assertEquals(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, bad.status());
        }
    }

    @Test
    void shouldRefuseAnUnknownDestinationAndFailAllForAnUnreachableOrRejectingOne() throws IOException
    {
        final ArchiveIndex index = archive(tmp.resolve("archive"), "1.2.3.200", 3, 1000);
        final Path out = tmp.resolve("dest");
        try (java.net.Socket nobody = boundNotListening();
            Server picky = destination(out, Set.of("SOMEONE")); Server good = destination(out, Set.of());
            Server server = qrscp(index, AeTable.of(new RemoteAe("NOBODY", "127.0.0.1", nobody.getLocalPort()),
                new RemoteAe("PICKY", "127.0.0.1", picky.port()), new RemoteAe("DEST", "127.0.0.1", good.port())));
            ClientAssociation assoc = connect(server))
        {
            final ClientAssociation.GetResult unknown = assoc.move(STUDY_ROOT, keys("1.2.3.200"), "ELSEWHERE", null);
            assertEquals(Status.MOVE_DESTINATION_UNKNOWN, unknown.status());
            assertEquals(0, unknown.completed());
            assertEquals(0, unknown.failed());
            assertTrue(unknown.failedSopInstanceUids().isEmpty());

            for (final String peer : List.of("NOBODY", "PICKY"))
            {
                final ClientAssociation.GetResult result = assoc.move(STUDY_ROOT, keys("1.2.3.200"), peer, null);
                assertEquals(Status.OUT_OF_RESOURCES_SUB_OPERATIONS, result.status(), peer);
                assertEquals(0, result.completed(), peer);
                assertEquals(3, result.failed(), peer);
                assertEquals(Set.of("1.2.3.200.1.1", "1.2.3.200.1.2", "1.2.3.200.1.3"),
                    Set.copyOf(result.failedSopInstanceUids()), peer);
            }
            assertTrue(files(out).isEmpty());

            // the SCP goes on serving, on the same association
            final ClientAssociation.GetResult ok = assoc.move(STUDY_ROOT, keys("1.2.3.200"), "DEST", null);
            assertEquals(Status.SUCCESS, ok.status());
            assertEquals(3, ok.completed());
            assertEquals(3, files(out).size());
        }
    }

    @Test
    void shouldEndWithCancelAndCounters() throws IOException
    {
        final int total = 200;
        final ArchiveIndex index = archive(tmp.resolve("archive"), "1.2.3.300", total, 50_000);
        final Path out = tmp.resolve("dest");
        try (Server dest = destination(out, Set.of());
            Server server = qrscp(index, AeTable.of(new RemoteAe("DEST", "127.0.0.1", dest.port())));
            ClientAssociation assoc = connect(server))
        {
            final AtomicBoolean cancelled = new AtomicBoolean();
            final ClientAssociation.GetResult result = assoc.move(STUDY_ROOT, keys("1.2.3.300"), "DEST", p ->
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
            assertEquals(total, result.completed() + result.remaining());
            assertEquals(result.completed(), files(out).size());

            final ClientAssociation.GetResult again = assoc.move(STUDY_ROOT, keys("1.2.3.300"), "DEST", null);
            assertEquals(Status.SUCCESS, again.status(), "cancels are cleared");
            assertEquals(total, again.completed());
        }
    }

    @Test
    void shouldEndWithWarningWhenTheDestinationAnswersWarnings() throws IOException
    {
        final ArchiveIndex index = archive(tmp.resolve("archive"), "1.2.3.500", 3, 1000);
        final Path out = tmp.resolve("dest");
        try (Server warns = ApplicationEntity.named("DEST").acceptStorage(TransferSyntax.ALL_KNOWN,
            GetLoopbackTest.warningEvery(1, Status.COERCION_OF_DATA_ELEMENTS, DirectoryStore.of(out))).build()
            .listen(new InetSocketAddress("127.0.0.1", 0));
            Server good = destination(tmp.resolve("good"), Set.of());
            Server server = qrscp(index, AeTable.of(new RemoteAe("DEST", "127.0.0.1", warns.port()),
                new RemoteAe("GOOD", "127.0.0.1", good.port())));
            ClientAssociation assoc = connect(server))
        {
            final ClientAssociation.GetResult success = assoc.move(STUDY_ROOT, keys("1.2.3.500"), "GOOD", null);
            assertEquals(Status.SUCCESS, success.status());
            assertEquals(-1, success.remaining(), "no Remaining in a final Success response");
            assertEquals(3, success.completed());

            // every sub-operation a warning: Warning 0xB000 (PS3.4 C.4.2.3.1: "or all had warnings")
            final List<ClientAssociation.GetResult> pendings = new ArrayList<>();
            final ClientAssociation.GetResult result = assoc.move(STUDY_ROOT, keys("1.2.3.500"), "DEST",
                pendings::add);
            assertEquals(Status.SUB_OPERATIONS_COMPLETE_WITH_FAILURES, result.status(),
                Status.describe(result.status()));
            assertEquals(-1, result.remaining(), "no Remaining in a final Warning response");
            assertEquals(0, result.completed());
            assertEquals(0, result.failed());
            assertEquals(3, result.warning());
            assertTrue(result.failedSopInstanceUids().isEmpty(), "none failed: no Failed SOP Instance UID List");
            for (final ClientAssociation.GetResult p : pendings)
            {
                assertEquals(3, p.remaining() + p.completed() + p.failed() + p.warning(), p.toString());
            }
            assertEquals(3, files(out).size(), "the destination kept them");
        }
    }

    @Test
    void shouldListTheFailedInstancesInACancelResponse() throws IOException
    {
        final int total = 100;
        final ArchiveIndex index = archive(tmp.resolve("archive"), "1.2.3.600", total, 50_000);
        // the first instance's file is gone: its sub-operation fails before the sub-association opens
        Files.delete(stored.get("1.2.3.600.1.1"));
        final Path out = tmp.resolve("dest");
        try (Server dest = destination(out, Set.of());
            Server server = qrscp(index, AeTable.of(new RemoteAe("DEST", "127.0.0.1", dest.port())));
            ClientAssociation assoc = connect(server))
        {
            final AtomicBoolean cancelled = new AtomicBoolean();
            final ClientAssociation.GetResult result = assoc.move(STUDY_ROOT, keys("1.2.3.600"), "DEST", p ->
            {
                if (p.failed() > 0 && cancelled.compareAndSet(false, true))
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
            assertTrue(cancelled.get(), "a Pending response counted the failed sub-operation");
            assertEquals(Status.CANCEL, result.status(), Status.describe(result.status()));
            assertEquals(1, result.failed());
            assertTrue(result.completed() < total - 1, "completed " + result.completed());
            assertEquals(total, result.completed() + result.failed() + result.remaining());
            assertEquals(List.of("1.2.3.600.1.1"), result.failedSopInstanceUids(),
                "a Cancel response lists the failed sub-operations (PS3.4 C.4.2.1.4.2)");
            assertEquals(result.completed(), files(out).size());
        }
    }

    @Test
    void shouldAbortTheSubAssociationWhenTheOriginatorGoes() throws Exception
    {
        final int total = 300;
        final ArchiveIndex index = archive(tmp.resolve("archive"), "1.2.3.400", total, 50_000);
        final Path out = tmp.resolve("dest");
        try (Server dest = destination(out, Set.of()))
        {
            try (Server server = qrscp(index, AeTable.of(new RemoteAe("DEST", "127.0.0.1", dest.port()))))
            {
                final ClientAssociation assoc = connect(server);
                assertThrows(IOException.class, () -> assoc.move(STUDY_ROOT, keys("1.2.3.400"), "DEST", p ->
                    assoc.abort()));
                assertTrue(assoc.association().isClosed());
                awaitTrue("both associations ended",
                    () -> dest.openAssociations() == 0 && server.openAssociations() == 0);
                final int arrived = files(out).size();
                assertTrue(arrived < total, "arrived " + arrived);
                Thread.sleep(300);
                assertEquals(arrived, files(out).size(), "nothing more arrives once the sub-association ended");
            }
            // the pool reports termination from its last worker, which dies a moment later
            awaitTrue("closing the server ends its C-MOVE workers", () -> moveWorkerThreads() == 0);
        }
    }

    private static void awaitTrue(final String what, final java.util.function.BooleanSupplier condition)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(10);
        }
    }

    /**
     * A destination that accepts the association and then refuses C-STOREs with 0xA700 (Out of Resources): each
     * refused sub-operation counts as Failed, and its SOP Instance UID goes into the Failed SOP Instance UID List of
     * the final response (PS3.4 C.4.2.3.1). All refused: Refused 0xA702 (all sub-operations failed), Completed 0,
     * Failed 3. One of three refused: Warning 0xB000 (Sub-operations Complete - One or more Failures), Completed 2,
     * Failed 1, and only that instance listed. Warning stays 0 and nothing refused is left in the destination.
     */
    @Test
    void shouldCountStoresTheDestinationRefusesAsFailed() throws IOException
    {
        final ArchiveIndex index = archive(tmp.resolve("archive"), "1.2.3.500", 3, 1000);
        final Path allOut = tmp.resolve("refusing");
        final Path partOut = tmp.resolve("partly");
        final java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        final DirectoryStore partStore = DirectoryStore.of(partOut);
        final org.dimse4j.service.InstanceStore refuseAll = request ->
        {
            attempts.incrementAndGet();
            throw new org.dimse4j.service.InstanceStore.StoreRefusedException(Status.OUT_OF_RESOURCES,
                "test: refusing " + request.sopInstanceUid());
        };
        final org.dimse4j.service.InstanceStore refuseOne = request ->
        {
            if ("1.2.3.500.1.2".equals(request.sopInstanceUid()))
            {
                throw new org.dimse4j.service.InstanceStore.StoreRefusedException(Status.OUT_OF_RESOURCES,
                    "test: refusing " + request.sopInstanceUid());
            }
            return partStore.open(request);
        };
        try (Server refusing = ApplicationEntity.named("REFUSING").acceptStorage(TransferSyntax.ALL_KNOWN, refuseAll)
            .build().listen(new InetSocketAddress("127.0.0.1", 0));
            Server partly = ApplicationEntity.named("PARTLY").acceptStorage(TransferSyntax.ALL_KNOWN, refuseOne)
                .build().listen(new InetSocketAddress("127.0.0.1", 0));
            Server server = qrscp(index, AeTable.of(new RemoteAe("REFUSING", "127.0.0.1", refusing.port()),
                new RemoteAe("PARTLY", "127.0.0.1", partly.port())));
            ClientAssociation assoc = connect(server))
        {
            final List<ClientAssociation.GetResult> pendings = new ArrayList<>();
            final ClientAssociation.GetResult all = assoc.move(STUDY_ROOT, keys("1.2.3.500"), "REFUSING",
                pendings::add);
            assertEquals(3, attempts.get(), "the association was accepted and every C-STORE tried");
            assertEquals(Status.OUT_OF_RESOURCES_SUB_OPERATIONS, all.status(), "every sub-operation failed");
            assertEquals(0, all.completed());
            assertEquals(3, all.failed());
            assertEquals(0, all.warning());
            assertEquals(Set.of("1.2.3.500.1.1", "1.2.3.500.1.2", "1.2.3.500.1.3"),
                Set.copyOf(all.failedSopInstanceUids()));
            assertEquals(3, all.failedSopInstanceUids().size(), "each listed once");
            for (final ClientAssociation.GetResult p : pendings)
            {
                assertEquals(Status.PENDING, p.status());
                assertEquals(0, p.completed(), "pending: none completed");
                assertEquals(3, p.remaining() + p.completed() + p.failed() + p.warning(), "pending counters");
            }
            assertTrue(files(allOut).isEmpty());

            final ClientAssociation.GetResult part = assoc.move(STUDY_ROOT, keys("1.2.3.500"), "PARTLY", null);
            assertEquals(Status.SUB_OPERATIONS_COMPLETE_WITH_FAILURES, part.status(), "some completed, one failed");
            assertEquals(2, part.completed());
            assertEquals(1, part.failed());
            assertEquals(0, part.warning());
            assertEquals(List.of("1.2.3.500.1.2"), part.failedSopInstanceUids());
            final Set<String> arrived = new java.util.HashSet<>();
            for (final Path file : files(partOut))
            {
                arrived.add(Part10Reader.read(file).mediaStorageSopInstanceUid());
            }
            assertEquals(Set.of("1.2.3.500.1.1", "1.2.3.500.1.3"), arrived, "only the accepted ones stored");
        }
    }
}
