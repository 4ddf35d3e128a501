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
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Our C-GET SCU against our C-GET SCP over loopback: a study arrives byte for byte, cancel mid-way, and an instance
 * whose SOP class the SCU did not propose counts as failed.
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
            assertEquals(1, image.received().size());
            assertArrayEquals(dataSet(stored.get("1.2.3.200.1.2")), dataSet(image.received().get(0)));

            final ClientAssociation.GetResult none = assoc.get(STUDY_ROOT, keys("STUDY", "9.9.9"),
                tmp.resolve("out3"), null);
            assertEquals(Status.SUCCESS, none.status());
            assertTrue(none.received().isEmpty());

            final ClientAssociation.GetResult bad = assoc.get(STUDY_ROOT, keys("SERIES", "1.2.3.100"),
                tmp.resolve("out4"), null);
            assertEquals(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, bad.status());
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
}
