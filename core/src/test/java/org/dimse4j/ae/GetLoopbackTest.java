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
import org.dimse4j.service.InstanceStore;
import org.dimse4j.service.InstanceWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Our C-GET SCU against our C-GET SCP over loopback: a study arrives byte for byte, cancel mid-way (with the Failed
 * SOP Instance UID List when a sub-operation had failed before), an instance whose SOP class the SCU did not propose
 * counts as failed, and C-STOREs answered with a warning end the C-GET with 0xB000. The counters follow PS3.4
 * C.4.3.1.5-8: no Number of Remaining Sub-operations in a final Success, Warning or Failure response.
 */
@Timeout(30)
class GetLoopbackTest
{
    private static final String STUDY_ROOT = Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET;
    private static final String PATIENT_ROOT = Uid.PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET;
    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";
    private static final String MR = "1.2.840.10008.5.1.4.1.1.4";

    @TempDir
    Path tmp;

    private final Map<String, Path> stored = new HashMap<>();

    private ArchiveIndex archive(final Path dir, final String study, final int series, final int perSeries,
        final String sopClass, final long pixelBytes) throws IOException
    {
        final ArchiveIndex index = ArchiveIndex.rebuild(dir);
        return addTo(index, dir, study, series, perSeries, sopClass, pixelBytes);
    }

    private ArchiveIndex addTo(final ArchiveIndex index, final Path dir, final String study, final int series,
        final int perSeries, final String sopClass, final long pixelBytes) throws IOException
    {
        Files.createDirectories(dir);
        for (int s = 1; s <= series; s++)
        {
            for (int i = 1; i <= perSeries; i++)
            {
                final String uid = study + "." + s + "." + i + (sopClass.equals(MR) ? "9" : "");
                final Path file = dir.resolve(uid + ".dcm");
                SyntheticInstance.write(file, sopClass, uid, study, study + "." + s, pixelBytes);
                index.add(file);
                stored.put(uid, file);
            }
        }
        return index;
    }

    private static Server serve(final Path dir, final ArchiveIndex index) throws IOException
    {
        final DirectoryStore store = new DirectoryStore(dir, DirectoryStore.Durability.RENAME,
            DirectoryStore.Duplicates.OVERWRITE, index::onStored);
        return ApplicationEntity.named("QRSCP").acceptStorage(TransferSyntax.UNCOMPRESSED, store).queryIndex(index)
            .build().listen(new InetSocketAddress("127.0.0.1", 0));
    }

    private static ClientAssociation connect(final Server server, final String... storageClasses) throws IOException
    {
        final List<ContextRequest> contexts = new ArrayList<>();
        contexts.add(ContextRequest.of(STUDY_ROOT, List.of(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN)));
        contexts.add(ContextRequest.of(PATIENT_ROOT, List.of(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN)));
        for (final String sop : storageClasses)
        {
            contexts.add(ContextRequest.retrieveStorage(sop, TransferSyntax.UNCOMPRESSED));
        }
        return ApplicationEntity.named("GETSCU").dimseTimeoutMs(20_000).build()
            .connect("127.0.0.1", server.port(), "QRSCP", contexts, null);
    }

    private static byte[] dataSet(final Path file) throws IOException
    {
        final Part10Info info = Part10Reader.read(file);
        final byte[] all = Files.readAllBytes(file);
        return Arrays.copyOfRange(all, info.dataSetOffset(), all.length);
    }

    private static DataSet keys(final String level, final String study)
    {
        return new DataSet().putString(Tag.QUERY_RETRIEVE_LEVEL, level).putString(Tag.STUDY_INSTANCE_UID, study);
    }

    @Test
    void shouldGetAStudyByteForByte() throws IOException
    {
        final Path dir = tmp.resolve("archive");
        final ArchiveIndex index = archive(dir, "1.2.3.100", 2, 3, CT, 300_000);
        addTo(index, dir, "1.2.3.200", 1, 2, CT, 1000);
        final Path out = tmp.resolve("out");
        try (Server server = serve(dir, index); ClientAssociation assoc = connect(server, CT))
        {
            final List<ClientAssociation.GetResult> pendings = new ArrayList<>();
            final ClientAssociation.GetResult result = assoc.get(STUDY_ROOT, keys("STUDY", "1.2.3.100"), out,
                pendings::add);
            assertEquals(Status.SUCCESS, result.status());
            assertEquals(6, result.completed());
            assertEquals(0, result.failed());
            assertEquals(0, result.warning());
            assertEquals(6, result.received().size());
            assertEquals(-1, result.remaining(), "no Remaining in a final Success response");
            assertTrue(result.failedSopInstanceUids().isEmpty());
            assertFalse(pendings.isEmpty());
            assertEquals(0, pendings.get(pendings.size() - 1).remaining());
            for (final Path file : result.received())
            {
                final Part10Info info = Part10Reader.read(file);
                final Path original = stored.get(info.mediaStorageSopInstanceUid());
                assertNotNull(original, file.toString());
                assertEquals(CT, info.mediaStorageSopClassUid());
                assertArrayEquals(dataSet(original), dataSet(file), file.toString());
            }

            final ClientAssociation.GetResult image = assoc.get(STUDY_ROOT, keys("IMAGE", "1.2.3.200")
                .putString(Tag.SERIES_INSTANCE_UID, "1.2.3.200.1").putString(Tag.SOP_INSTANCE_UID, "1.2.3.200.1.2"),
                tmp.resolve("out2"), null);
            assertEquals(Status.SUCCESS, image.status());
            assertEquals(-1, image.remaining());
            assertEquals(1, image.received().size());
            assertArrayEquals(dataSet(stored.get("1.2.3.200.1.2")), dataSet(image.received().get(0)));

            final ClientAssociation.GetResult none = assoc.get(STUDY_ROOT, keys("STUDY", "9.9.9"),
                tmp.resolve("out3"), null);
            assertEquals(Status.SUCCESS, none.status());
            assertEquals(-1, none.remaining());
            assertEquals(0, none.completed());
            assertTrue(none.received().isEmpty());

            final ClientAssociation.GetResult bad = assoc.get(STUDY_ROOT, keys("SERIES", "1.2.3.100"),
                tmp.resolve("out4"), null);
            assertEquals(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, bad.status());
            assertEquals(-1, bad.remaining(), "no Remaining in a final Failure response");
        }
    }

    @Test
    void shouldEndWithCancelAndCounters() throws IOException
    {
        final Path dir = tmp.resolve("archive");
        final ArchiveIndex index = archive(dir, "1.2.3.300", 1, 30, CT, 2000);
        try (Server server = serve(dir, index); ClientAssociation assoc = connect(server, CT))
        {
            final AtomicBoolean cancelled = new AtomicBoolean();
            final ClientAssociation.GetResult result = assoc.get(STUDY_ROOT, keys("STUDY", "1.2.3.300"),
                tmp.resolve("out"), progress ->
                {
                    if (cancelled.compareAndSet(false, true))
                    {
                        try
                        {
                            assoc.cancel(assoc.findMessageId());
                        }
                        catch (final IOException ex)
                        {
                            throw new java.io.UncheckedIOException(ex);
                        }
                    }
                });
            assertEquals(Status.CANCEL, result.status());
            assertTrue(result.completed() >= 1 && result.completed() < 30, "completed " + result.completed());
            assertEquals(0, result.failed());
            assertEquals(30, result.completed() + result.remaining());
            assertTrue(result.failedSopInstanceUids().isEmpty(), "nothing failed: no Failed SOP Instance UID List");
            assertEquals(result.completed(), result.received().size());
            final ClientAssociation.GetResult again = assoc.get(STUDY_ROOT, keys("STUDY", "1.2.3.300"),
                tmp.resolve("again"), null);
            assertEquals(Status.SUCCESS, again.status());
            assertEquals(30, again.completed());
        }
    }

    @Test
    void shouldCountAnUnproposedSopClassAsFailed() throws IOException
    {
        final Path dir = tmp.resolve("archive");
        final ArchiveIndex index = archive(dir, "1.2.3.400", 1, 2, CT, 1000);
        addTo(index, dir, "1.2.3.400", 1, 1, MR, 1000);
        try (Server server = serve(dir, index); ClientAssociation assoc = connect(server, CT))
        {
            final ClientAssociation.GetResult result = assoc.get(STUDY_ROOT, keys("STUDY", "1.2.3.400"),
                tmp.resolve("out"), null);
            assertEquals(Status.SUB_OPERATIONS_COMPLETE_WITH_FAILURES, result.status());
            assertEquals(-1, result.remaining(), "no Remaining in a final Warning response");
            assertEquals(2, result.completed());
            assertEquals(1, result.failed());
            assertEquals(List.of("1.2.3.400.1.19"), result.failedSopInstanceUids());
            assertEquals(2, result.received().size());
        }
        try (Server server = serve(dir, index); ClientAssociation assoc = connect(server, "1.2.840.10008.5.1.4.1.1.7"))
        {
            final ClientAssociation.GetResult result = assoc.get(STUDY_ROOT, keys("STUDY", "1.2.3.400"),
                tmp.resolve("out2"), null);
            assertEquals(Status.OUT_OF_RESOURCES_SUB_OPERATIONS, result.status());
            assertEquals(-1, result.remaining(), "no Remaining in a final Failure response");
            assertEquals(3, result.failed());
            assertEquals(3, result.failedSopInstanceUids().size());
        }
        // a CT storage context without role selection: the SCP role was not granted, nothing may be sent on it
        try (Server server = serve(dir, index); ClientAssociation assoc = ApplicationEntity.named("GETSCU")
            .dimseTimeoutMs(20_000).build().connect("127.0.0.1", server.port(), "QRSCP",
                List.of(ContextRequest.of(STUDY_ROOT), ContextRequest.of(CT)), null))
        {
            final ClientAssociation.GetResult result = assoc.get(STUDY_ROOT, keys("STUDY", "1.2.3.400"),
                tmp.resolve("out3"), null);
            assertEquals(Status.OUT_OF_RESOURCES_SUB_OPERATIONS, result.status());
            assertEquals(0, result.completed());
            assertEquals(3, result.failed());
            assertTrue(result.received().isEmpty());
        }
    }

    @Test
    void shouldGetAPatientInPatientRoot() throws IOException
    {
        final Path dir = tmp.resolve("archive");
        final ArchiveIndex index = archive(dir, "1.2.3.500", 2, 2, CT, 1000);
        addTo(index, dir, "1.2.3.600", 1, 1, CT, 1000);
        final String patientId = index.entry("1.2.3.500.1.1").attributes().string(Tag.PATIENT_ID);
        try (Server server = serve(dir, index); ClientAssociation assoc = connect(server, CT))
        {
            final ClientAssociation.GetResult result = assoc.get(PATIENT_ROOT, new DataSet()
                .putString(Tag.QUERY_RETRIEVE_LEVEL, "PATIENT").putString(Tag.PATIENT_ID, patientId),
                tmp.resolve("out"), null);
            assertEquals(Status.SUCCESS, result.status());
            assertEquals(4, result.completed());
            final ClientAssociation.GetResult noPatient = assoc.get(PATIENT_ROOT, keys("STUDY", "1.2.3.600"),
                tmp.resolve("out2"), null);
            assertEquals(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, noPatient.status());
            final ClientAssociation.GetResult studyLevel = assoc.get(STUDY_ROOT, keys("PATIENT", "1.2.3.600")
                .putString(Tag.PATIENT_ID, patientId), tmp.resolve("out3"), null);
            assertEquals(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, studyLevel.status());
        }
    }

    /**
     * A store that keeps every instance but answers every {@code every}-th C-STORE with {@code status}, a warning
     * (also MoveLoopbackTest's destination).
     */
    static InstanceStore warningEvery(final int every, final int status, final InstanceStore store)
    {
        final AtomicInteger stores = new AtomicInteger();
        return request ->
        {
            final InstanceWriter writer = store.open(request);
            final boolean warn = stores.incrementAndGet() % every == 0;
            return new InstanceWriter()
            {
                @Override
                public void write(final org.agrona.DirectBuffer buffer, final int offset, final int length)
                    throws IOException
                {
                    writer.write(buffer, offset, length);
                }

                @Override
                public int commit() throws IOException
                {
                    final int committed = writer.commit();
                    return warn ? status : committed;
                }

                @Override
                public void abort()
                {
                    writer.abort();
                }
            };
        };
    }

    @Test
    void shouldEndWithWarningWhenTheStoreAnswersWarnings() throws IOException
    {
        final Path dir = tmp.resolve("archive");
        final ArchiveIndex index = archive(dir, "1.2.3.700", 1, 4, CT, 1000);
        try (Server server = serve(dir, index); ClientAssociation assoc = connect(server, CT))
        {
            // every sub-operation a warning: Warning 0xB000 (PS3.4 C.4.3.3.1: "or all had warnings")
            final List<ClientAssociation.GetResult> pendings = new ArrayList<>();
            final ClientAssociation.GetResult all = assoc.get(STUDY_ROOT, keys("STUDY", "1.2.3.700"),
                warningEvery(1, Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS_WARNING, DirectoryStore.of(tmp.resolve("a"))),
                pendings::add);
            assertEquals(Status.SUB_OPERATIONS_COMPLETE_WITH_FAILURES, all.status(), Status.describe(all.status()));
            assertEquals(-1, all.remaining(), "no Remaining in a final Warning response");
            assertEquals(0, all.completed());
            assertEquals(0, all.failed());
            assertEquals(4, all.warning());
            assertTrue(all.failedSopInstanceUids().isEmpty(), "none failed: no Failed SOP Instance UID List");
            assertFalse(pendings.isEmpty());
            for (final ClientAssociation.GetResult p : pendings)
            {
                assertEquals(4, p.remaining() + p.completed() + p.failed() + p.warning(), p.toString());
                assertEquals(0, p.completed());
            }

            // every other one: Warning, with both counts; the instances were kept all the same
            final Path half = tmp.resolve("half");
            final ClientAssociation.GetResult some = assoc.get(STUDY_ROOT, keys("STUDY", "1.2.3.700"),
                warningEvery(2, Status.COERCION_OF_DATA_ELEMENTS, DirectoryStore.of(half)), null);
            assertEquals(Status.SUB_OPERATIONS_COMPLETE_WITH_FAILURES, some.status());
            assertEquals(-1, some.remaining());
            assertEquals(2, some.completed());
            assertEquals(0, some.failed());
            assertEquals(2, some.warning());
            try (var files = Files.list(half))
            {
                assertEquals(4, files.filter(f -> f.toString().endsWith(".dcm")).count());
            }
        }
    }

    @Test
    void shouldListTheFailedInstancesInACancelResponse() throws IOException
    {
        // the MR instance (1.2.3.800.1.19), first in the index, cannot be sent (its SOP class was not proposed): it
        // fails at once; 18 CT instances follow
        final Path dir = tmp.resolve("archive");
        final ArchiveIndex index = archive(dir, "1.2.3.800", 1, 1, MR, 1000);
        addTo(index, dir, "1.2.3.800", 1, 18, CT, 2000);
        try (Server server = serve(dir, index); ClientAssociation assoc = connect(server, CT))
        {
            final AtomicBoolean cancelled = new AtomicBoolean();
            final ClientAssociation.GetResult result = assoc.get(STUDY_ROOT, keys("STUDY", "1.2.3.800"),
                tmp.resolve("out"), progress ->
                {
                    if (progress.failed() > 0 && cancelled.compareAndSet(false, true))
                    {
                        try
                        {
                            assoc.cancel(assoc.findMessageId());
                        }
                        catch (final IOException ex)
                        {
                            throw new java.io.UncheckedIOException(ex);
                        }
                    }
                });
            assertTrue(cancelled.get(), "a Pending response counted the failed sub-operation");
            assertEquals(Status.CANCEL, result.status());
            assertEquals(1, result.failed());
            assertTrue(result.completed() < 18, "completed " + result.completed());
            assertEquals(19, result.completed() + result.failed() + result.remaining());
            assertEquals(List.of("1.2.3.800.1.19"), result.failedSopInstanceUids(),
                "a Cancel response lists the failed sub-operations (PS3.4 C.4.3.1.3.2)");
        }
    }
}
