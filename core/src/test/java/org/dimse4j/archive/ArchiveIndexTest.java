package org.dimse4j.archive;

import org.dimse4j.archive.ArchiveIndex.Level;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.SyntheticInstance;
import org.dimse4j.data.Tag;
import org.dimse4j.query.MatchOptions;
import org.dimse4j.service.StoredInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

class ArchiveIndexTest
{
    static final String CT = "1.2.840.10008.5.1.4.1.1.2";

    @TempDir
    Path temp;

    /** Writes a synthetic instance with a patient, a study date and a modality of the caller's. */
    static Path write(final Path dir, final String patient, final String patientId, final String study,
        final String date, final String series, final String modality, final String sop) throws IOException
    {
        final DataSet extra = new DataSet()
            .putString(Tag.PATIENT_NAME, patient)
            .putString(Tag.PATIENT_ID, patientId)
            .putString(Tag.STUDY_DATE, date)
            .putString(Tag.MODALITY, modality)
            .putString(Tag.STUDY_ID, "S" + study.substring(study.lastIndexOf('.') + 1));
        final Path file = dir.resolve(sop + ".dcm");
        SyntheticInstance.write(file, CT, sop, study, series, 64, extra);
        return file;
    }

    private static Set<String> uids(final List<DataSet> sets, final int tag)
    {
        return sets.stream().map(d -> d.string(tag)).collect(Collectors.toSet());
    }

    @Test
    void shouldIndexFilesAndAnswerEachLevel() throws IOException
    {
        write(temp, "DOE^JOHN", "P1", "1.2.1", "20240101", "1.2.1.1", "CT", "1.2.1.1.1");
        write(temp, "DOE^JOHN", "P1", "1.2.1", "20240101", "1.2.1.1", "CT", "1.2.1.1.2");
        write(temp, "DOE^JOHN", "P1", "1.2.1", "20240101", "1.2.1.2", "MR", "1.2.1.2.1");
        write(temp, "ROE^JANE", "P2", "1.2.2", "20230615", "1.2.2.1", "CT", "1.2.2.1.1");
        Files.createDirectories(temp.resolve(".incoming"));
        Files.write(temp.resolve(".incoming/x.part"), new byte[] {1, 2, 3});
        Files.write(temp.resolve("junk.txt"), new byte[] {1, 2, 3});

        final ArchiveIndex index = ArchiveIndex.rebuild(temp);
        assertEquals(4, index.size());

        final List<DataSet> patients = index.entities(Level.PATIENT);
        assertEquals(Set.of("P1", "P2"), uids(patients, Tag.PATIENT_ID));
        final DataSet p1 = patients.stream().filter(p -> "P1".equals(p.string(Tag.PATIENT_ID))).findFirst()
            .orElseThrow();
        assertEquals("3", p1.string(Tag.NUMBER_OF_PATIENT_RELATED_INSTANCES));

        final DataSet studyKeys = new DataSet().putString(Tag.PATIENT_NAME, "DOE*")
            .putString(Tag.STUDY_INSTANCE_UID, null);
        final List<DataSet> studies = index.find(Level.STUDY, studyKeys, MatchOptions.DEFAULT);
        assertEquals(1, studies.size());
        final DataSet study = studies.get(0);
        assertEquals("1.2.1", study.string(Tag.STUDY_INSTANCE_UID));
        assertEquals("CT\\MR", String.join("\\", study.strings(Tag.MODALITIES_IN_STUDY)));
        assertEquals("2", study.string(Tag.NUMBER_OF_STUDY_RELATED_SERIES));
        assertEquals("3", study.string(Tag.NUMBER_OF_STUDY_RELATED_INSTANCES));

        final DataSet range = new DataSet().putString(Tag.STUDY_DATE, "20240101-");
        assertEquals(Set.of("1.2.1"), uids(index.find(Level.STUDY, range, MatchOptions.DEFAULT),
            Tag.STUDY_INSTANCE_UID));

        final DataSet seriesKeys = new DataSet().putString(Tag.STUDY_INSTANCE_UID, "1.2.1")
            .putString(Tag.MODALITY, "CT");
        final List<DataSet> series = index.find(Level.SERIES, seriesKeys, MatchOptions.DEFAULT);
        assertEquals(Set.of("1.2.1.1"), uids(series, Tag.SERIES_INSTANCE_UID));
        assertEquals("2", series.get(0).string(Tag.NUMBER_OF_SERIES_RELATED_INSTANCES));

        final DataSet imageKeys = new DataSet().putString(Tag.SERIES_INSTANCE_UID, "1.2.1.1");
        final List<DataSet> images = index.find(Level.IMAGE, imageKeys, MatchOptions.DEFAULT);
        assertEquals(Set.of("1.2.1.1.1", "1.2.1.1.2"), uids(images, Tag.SOP_INSTANCE_UID));
        assertEquals(CT, images.get(0).string(Tag.SOP_CLASS_UID));
        assertEquals(temp.resolve("1.2.1.1.1.dcm"), index.entry("1.2.1.1.1").path());
    }

    @Test
    void shouldIndexWhatTheStoreReports() throws IOException
    {
        final ArchiveIndex index = new ArchiveIndex();
        final Path file = write(temp, "NEW^ONE", "P9", "1.9", "20200202", "1.9.1", "US", "1.9.1.1");
        index.onStored(new StoredInstance(file, CT, "1.9.1.1", "1.2.840.10008.1.2.1", "SCU", 100));
        index.onStored(new StoredInstance(temp.resolve("missing.dcm"), CT, "1.9.1.2", "1.2.840.10008.1.2.1",
            "SCU", 100)); // logged, not thrown
        assertEquals(1, index.size());
        assertEquals("NEW^ONE", index.entities(Level.IMAGE).get(0).string(Tag.PATIENT_NAME));
    }

    @Test
    void shouldRejectInstanceWithoutUid()
    {
        assertThrows(IllegalArgumentException.class, () -> new ArchiveIndex().add(new DataSet(), null));
    }
    /** A malformed date key is refused whatever the candidates: none, or none under the Study UID asked for. */
    @Test
    void shouldRefuseAMalformedDateKeyWhateverTheArchiveHolds() throws IOException
    {
        final DataSet badDate = new DataSet().putString(Tag.QUERY_RETRIEVE_LEVEL, "STUDY")
            .putString(Tag.STUDY_DATE, "2024-13-45x").putString(Tag.STUDY_INSTANCE_UID, "9.9.9");
        assertThrows(IllegalArgumentException.class,
            () -> new ArchiveIndex().find(Level.STUDY, badDate, MatchOptions.DEFAULT), "empty archive");
        write(temp, "DOE^JOHN", "P1", "1.2.1", "20240101", "1.2.1.1", "CT", "1.2.1.1.1");
        final ArchiveIndex index = ArchiveIndex.rebuild(temp);
        assertThrows(IllegalArgumentException.class, () -> index.find(Level.STUDY, badDate, MatchOptions.DEFAULT),
            "no study under the UID asked for");
        final DataSet badInItem = new DataSet().putString(Tag.STUDY_INSTANCE_UID, "9.9.9");
        badInItem.putSequence(Tag.REQUEST_ATTRIBUTES_SEQUENCE)
            .add(new DataSet().putString(Tag.SCHEDULED_PROCEDURE_STEP_START_DATE, "not a date"));
        assertThrows(IllegalArgumentException.class, () -> index.find(Level.STUDY, badInItem, MatchOptions.DEFAULT),
            "a date key inside a sequence item");
        final DataSet good = new DataSet().putString(Tag.STUDY_DATE, "20240101-").putString(Tag.STUDY_TIME, "");
        assertEquals(1, index.find(Level.STUDY, good, MatchOptions.DEFAULT).size(), "a valid range still matches");
    }
}
