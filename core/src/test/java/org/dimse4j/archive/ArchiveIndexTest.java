package org.dimse4j.archive;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.archive.ArchiveIndex.Level;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.DataSetReader;
import org.dimse4j.data.ElementDictionary;
import org.dimse4j.data.Part10Writer;
import org.dimse4j.data.SyntheticInstance;
import org.dimse4j.data.Tag;
import org.dimse4j.data.TransferSyntax;
import org.dimse4j.data.VR;
import org.dimse4j.query.MatchOptions;
import org.dimse4j.query.QueryResponse;
import org.dimse4j.service.StoredInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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

    // ------------------------------------------------------------------------------------------------ keys

    /** A private attribute and an even-group tag the dictionary does not know. */
    private static final int PRIVATE = 0x00091010;
    private static final int UNKNOWN = 0x00400FF0;

    private static DataSet instance(final String patientId, final String study, final String series,
        final String sop)
    {
        return new DataSet().putString(Tag.PATIENT_ID, patientId).putString(Tag.PATIENT_NAME, "DOE^" + patientId)
            .putString(Tag.STUDY_INSTANCE_UID, study).putString(Tag.SERIES_INSTANCE_UID, series)
            .putString(Tag.SOP_INSTANCE_UID, sop).putString(Tag.SOP_CLASS_UID, CT).putString(Tag.MODALITY, "CT");
    }

    @Test
    void shouldSupportTheAttributesTheEntitiesOfALevelHold()
    {
        assertTrue(ArchiveIndex.supports(Level.STUDY, Tag.STUDY_DESCRIPTION));
        assertTrue(ArchiveIndex.supports(Level.STUDY, Tag.PATIENT_NAME), "levels above are held too");
        assertTrue(ArchiveIndex.supports(Level.STUDY, Tag.NUMBER_OF_STUDY_RELATED_INSTANCES), "computed");
        assertTrue(ArchiveIndex.supports(Level.STUDY, Tag.REFERENCED_STUDY_SEQUENCE), "a kept sequence");
        assertTrue(ArchiveIndex.supports(Level.SERIES, Tag.MODALITY));
        assertTrue(ArchiveIndex.supports(Level.SERIES, Tag.REQUEST_ATTRIBUTES_SEQUENCE));
        assertTrue(ArchiveIndex.supports(Level.IMAGE, Tag.CONCEPT_NAME_CODE_SEQUENCE));
        assertFalse(ArchiveIndex.supports(Level.STUDY, Tag.MODALITY), "a series attribute at STUDY");
        assertFalse(ArchiveIndex.supports(Level.SERIES, Tag.NUMBER_OF_STUDY_RELATED_INSTANCES),
            "computed for studies only");
        assertFalse(ArchiveIndex.supports(Level.PATIENT, Tag.REFERENCED_STUDY_SEQUENCE));
        assertFalse(ArchiveIndex.supports(Level.STUDY, Tag.PATIENT_AGE), "not indexed");
        assertFalse(ArchiveIndex.supports(Level.SERIES, Tag.SERIES_DATE), "not indexed");
        assertFalse(ArchiveIndex.supports(Level.IMAGE, PRIVATE));
        assertNull(ElementDictionary.keyword(UNKNOWN), "the test needs a tag the dictionary does not know");
        assertFalse(ArchiveIndex.supports(Level.IMAGE, UNKNOWN));
    }

    /** C.2.2.1.3: a key the SCP does not support is not matched: it used to filter out every match. */
    @Test
    void shouldNotMatchKeysItDoesNotSupport()
    {
        final ArchiveIndex index = new ArchiveIndex();
        index.add(instance("P1", "1.2.1", "1.2.1.1", "1.2.1.1.1").putString(Tag.STUDY_DESCRIPTION, "HEAD"), null);
        index.add(instance("P2", "1.2.2", "1.2.2.1", "1.2.2.1.1").putString(Tag.STUDY_DESCRIPTION, "CHEST"), null);
        final DataSet keys = new DataSet().putString(Tag.QUERY_RETRIEVE_LEVEL, "STUDY")
            .putString(Tag.SPECIFIC_CHARACTER_SET, "ISO_IR 100")
            .putString(Tag.STUDY_DESCRIPTION, "HEAD").putString(Tag.STUDY_INSTANCE_UID, "")
            .putString(Tag.PATIENT_AGE, "042Y").putString(Tag.SERIES_DATE, "20240101")
            .putString(Tag.MODALITY, "MR").putString(PRIVATE, VR.LO, "X").putString(UNKNOWN, VR.LO, "Y");
        keys.addItem(Tag.REQUEST_ATTRIBUTES_SEQUENCE).putString(Tag.REQUESTED_PROCEDURE_ID, "NONE");

        assertEquals(Set.of("1.2.1"), uids(index.find(Level.STUDY, keys, MatchOptions.DEFAULT),
            Tag.STUDY_INSTANCE_UID), "matched on Study Description only");
        final DataSet supported = ArchiveIndex.supportedKeys(Level.STUDY, keys);
        assertEquals(List.of(Tag.SPECIFIC_CHARACTER_SET, Tag.QUERY_RETRIEVE_LEVEL, Tag.STUDY_DESCRIPTION,
            Tag.STUDY_INSTANCE_UID), Arrays.stream(supported.tags()).boxed().collect(Collectors.toList()));
        assertEquals(10, keys.size(), "the identifier itself is left as it was");
        assertSame(supported, ArchiveIndex.supportedKeys(Level.STUDY, supported), "nothing to leave out: no copy");
        assertEquals(Set.of("1.2.1.1"), uids(index.find(Level.SERIES, keys.putString(Tag.MODALITY, "CT"),
            MatchOptions.DEFAULT), Tag.SERIES_INSTANCE_UID), "Modality is matched at SERIES");
    }

    /**
     * C.2.2.1.2: an attribute the index holds that an entity lacks is unknown, and matches as a zero-length value;
     * not so a unique key, which every entity has (C.2.2.1.1).
     */
    @Test
    void shouldMatchAHeldAttributeAnEntityLacksAsUnknownExceptAUniqueKey()
    {
        final ArchiveIndex index = new ArchiveIndex();
        index.add(instance("P1", "1.2.1", "1.2.1.1", "1.2.1.1.1"), null);
        final DataSet noSeriesUid = instance("P1", "1.2.2", null, "1.2.2.9.1");
        noSeriesUid.remove(Tag.SERIES_INSTANCE_UID);
        index.add(noSeriesUid, null);

        final DataSet description = new DataSet().putString(Tag.STUDY_DESCRIPTION, "HEAD");
        assertEquals(Set.of("1.2.1", "1.2.2"), uids(index.find(Level.STUDY, description, MatchOptions.DEFAULT),
            Tag.STUDY_INSTANCE_UID));
        assertEquals(List.of(), index.find(Level.STUDY, description, MatchOptions.DEFAULT
            .withEmptyValueMatches(false)));
        final DataSet code = new DataSet();
        code.addItem(Tag.PROCEDURE_CODE_SEQUENCE).putString(Tag.CODE_VALUE, "P1");
        assertEquals(2, index.find(Level.STUDY, code, MatchOptions.DEFAULT).size(), "a kept sequence, absent");

        final DataSet series = new DataSet().putString(Tag.STUDY_INSTANCE_UID, "1.2.2")
            .putString(Tag.SERIES_INSTANCE_UID, "1.2.2.1");
        assertEquals(List.of(), index.find(Level.SERIES, series, MatchOptions.DEFAULT), "unique key absent");
        series.putString(Tag.SERIES_INSTANCE_UID, "");
        assertEquals(1, index.find(Level.SERIES, series, MatchOptions.DEFAULT).size());
    }

    // ------------------------------------------------------------------------------------------------ sequences

    private static DataSet code(final DataSet item, final String value, final String meaning)
    {
        return item.putString(Tag.CODE_VALUE, value).putString(Tag.CODING_SCHEME_DESIGNATOR, "99TEST")
            .putString(Tag.CODE_MEANING, meaning);
    }

    /** An Implicit VR Little Endian element, value padded to even length as its VR wants. */
    private static void implicit(final ByteArrayOutputStream out, final int tag, final byte[] value)
    {
        final ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        header.putShort((short)(tag >>> 16)).putShort((short)tag).putInt(value.length);
        out.writeBytes(header.array());
        out.writeBytes(value);
    }

    private static byte[] implicit(final DataSet elements)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[elements.encodedLength(DataSetReader.IMPLICIT_LITTLE)]);
        elements.write(buffer, 0, DataSetReader.IMPLICIT_LITTLE);
        return buffer.byteArray();
    }

    /**
     * An Implicit VR file whose sequences have defined lengths (DataSet writes undefined ones): a Referenced Patient
     * Sequence, and a Procedure Code Sequence whose item is malformed inside, followed by the study's attributes.
     */
    private static Path writeImplicit(final Path dir) throws IOException
    {
        final String sop = "1.2.6.1.1";
        final UnsafeBuffer meta = new UnsafeBuffer(new byte[512]);
        final int metaLength = Part10Writer.writeMeta(meta, 0, CT, sop, TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN,
            "TEST");
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(meta.byteArray(), 0, metaLength);
        out.writeBytes(implicit(new DataSet().putString(Tag.SOP_CLASS_UID, CT).putString(Tag.SOP_INSTANCE_UID, sop)));
        final ByteArrayOutputStream bad = new ByteArrayOutputStream();
        implicit(bad, Tag.CODE_VALUE, new byte[] {'P', '1'});
        final byte[] badItem = Arrays.copyOf(bad.toByteArray(), bad.size());
        badItem[4] = (byte)0xF0; // the Code Value claims 240 bytes, the item holds 2
        final ByteArrayOutputStream pcs = new ByteArrayOutputStream();
        implicit(pcs, 0xFFFEE000, badItem);
        implicit(out, Tag.PROCEDURE_CODE_SEQUENCE, pcs.toByteArray());
        final ByteArrayOutputStream rps = new ByteArrayOutputStream();
        implicit(rps, 0xFFFEE000, implicit(new DataSet().putString(Tag.REFERENCED_SOP_CLASS_UID,
            "1.2.840.10008.3.1.2.1.1").putString(Tag.REFERENCED_SOP_INSTANCE_UID, "1.2.6.77")));
        implicit(out, Tag.REFERENCED_PATIENT_SEQUENCE, rps.toByteArray());
        out.writeBytes(implicit(new DataSet().putString(Tag.PATIENT_NAME, "IMPLICIT^PAT").putString(Tag.PATIENT_ID,
            "P6").putString(Tag.STUDY_INSTANCE_UID, "1.2.6").putString(Tag.SERIES_INSTANCE_UID, "1.2.6.1")));
        final Path file = dir.resolve(sop + ".dcm");
        Files.write(file, out.toByteArray());
        return file;
    }

    /** Explicit VR (undefined-length sequences, Request Attributes Sequence after group 0028), one too long. */
    private static Path writeExplicit(final Path dir) throws IOException
    {
        final DataSet extra = new DataSet().putString(Tag.PATIENT_ID, "P5").putString(Tag.STUDY_DESCRIPTION, "CHEST");
        code(extra.addItem(Tag.PROCEDURE_CODE_SEQUENCE), "P1", "Chest CT");
        extra.addItem(Tag.REFERENCED_STUDY_SEQUENCE).putString(Tag.REFERENCED_SOP_CLASS_UID,
            "1.2.840.10008.3.1.2.3.1").putString(Tag.REFERENCED_SOP_INSTANCE_UID, "1.2.5.99");
        extra.addItem(Tag.REQUEST_ATTRIBUTES_SEQUENCE).putString(Tag.REQUESTED_PROCEDURE_ID, "RP7")
            .putString(Tag.SCHEDULED_PROCEDURE_STEP_ID, "SPS7");
        code(extra.addItem(Tag.CONCEPT_NAME_CODE_SEQUENCE), "121060", "History");
        for (int i = 0; i < 300; i++)
        {
            extra.addItem(Tag.OTHER_PATIENT_I_DS_SEQUENCE).putString(Tag.PATIENT_ID, "OTHER-ID-" + i);
        }
        final Path file = dir.resolve("1.2.5.1.1.dcm");
        SyntheticInstance.write(file, CT, "1.2.5.1.1", "1.2.5", "1.2.5.1", 64, extra);
        return file;
    }

    @Test
    void shouldKeepSequencesFromFileHeadsAndMatchThem() throws IOException
    {
        writeExplicit(temp);
        writeImplicit(temp);
        final ArchiveIndex index = ArchiveIndex.rebuild(temp);
        assertEquals(2, index.size());
        final DataSet explicit = index.sequencesOf("1.2.5.1.1");
        assertEquals(List.of(Tag.SPECIFIC_CHARACTER_SET, Tag.PROCEDURE_CODE_SEQUENCE, Tag.REFERENCED_STUDY_SEQUENCE,
            Tag.REQUEST_ATTRIBUTES_SEQUENCE, Tag.CONCEPT_NAME_CODE_SEQUENCE).stream()
            .filter(t -> t != Tag.SPECIFIC_CHARACTER_SET || explicit.contains(t)).collect(Collectors.toList()),
            Arrays.stream(explicit.tags()).boxed().collect(Collectors.toList()),
            "Other Patient IDs Sequence is longer than " + ArchiveIndex.MAX_SEQUENCE_LENGTH + " bytes: not kept");
        final DataSet implicit = index.sequencesOf("1.2.6.1.1");
        assertEquals(List.of(Tag.REFERENCED_PATIENT_SEQUENCE),
            Arrays.stream(implicit.tags()).boxed().collect(Collectors.toList()), "the malformed sequence is left out");
        assertEquals("1.2.6.77", implicit.sequence(Tag.REFERENCED_PATIENT_SEQUENCE).get(0)
            .string(Tag.REFERENCED_SOP_INSTANCE_UID));
        assertEquals("P6", index.entities(Level.PATIENT).stream().map(p -> p.string(Tag.PATIENT_ID))
            .filter("P6"::equals).findFirst().orElse(null), "attributes after the malformed sequence are read");

        final DataSet p1 = new DataSet().putString(Tag.STUDY_INSTANCE_UID, "");
        code(p1.addItem(Tag.PROCEDURE_CODE_SEQUENCE), "P1", "");
        final MatchOptions strict = MatchOptions.DEFAULT.withEmptyValueMatches(false);
        assertEquals(Set.of("1.2.5"), uids(index.find(Level.STUDY, p1, strict), Tag.STUDY_INSTANCE_UID));
        final List<DataSet> study = index.find(Level.STUDY, p1, MatchOptions.DEFAULT);
        assertEquals(Set.of("1.2.5", "1.2.6"), uids(study, Tag.STUDY_INSTANCE_UID), "1.2.6: its code is unknown");
        p1.sequence(Tag.PROCEDURE_CODE_SEQUENCE).get(0).putString(Tag.CODE_VALUE, "P2");
        assertEquals(List.of(), index.find(Level.STUDY, p1, strict));

        // a universal sequence key returns the stored sequence
        final DataSet universal = new DataSet().putString(Tag.STUDY_INSTANCE_UID, "1.2.5");
        universal.putSequence(Tag.REFERENCED_STUDY_SEQUENCE);
        final DataSet response = QueryResponse.responseFor(universal, index.find(Level.STUDY, universal,
            MatchOptions.DEFAULT).get(0));
        assertEquals("1.2.5.99", response.sequence(Tag.REFERENCED_STUDY_SEQUENCE).get(0)
            .string(Tag.REFERENCED_SOP_INSTANCE_UID));

        final DataSet request = new DataSet().putString(Tag.STUDY_INSTANCE_UID, "1.2.5");
        request.addItem(Tag.REQUEST_ATTRIBUTES_SEQUENCE).putString(Tag.REQUESTED_PROCEDURE_ID, "RP7");
        assertEquals(Set.of("1.2.5.1"), uids(index.find(Level.SERIES, request, strict), Tag.SERIES_INSTANCE_UID));
        request.sequence(Tag.REQUEST_ATTRIBUTES_SEQUENCE).get(0).putString(Tag.REQUESTED_PROCEDURE_ID, "RP8");
        assertEquals(List.of(), index.find(Level.SERIES, request, strict));

        final DataSet patient = new DataSet();
        patient.addItem(Tag.REFERENCED_PATIENT_SEQUENCE).putString(Tag.REFERENCED_SOP_INSTANCE_UID, "1.2.6.77");
        assertEquals(Set.of("P6"), uids(index.find(Level.PATIENT, patient, strict), Tag.PATIENT_ID));
        final DataSet concept = new DataSet();
        code(concept.addItem(Tag.CONCEPT_NAME_CODE_SEQUENCE), "121060", "");
        assertEquals(Set.of("1.2.5.1.1"), uids(index.find(Level.IMAGE, concept, strict), Tag.SOP_INSTANCE_UID));
    }

    /** Memory: the instances of a series that carry equal sequences share one copy; others keep their own. */
    @Test
    void shouldShareEqualSequencesWithinASeries()
    {
        final ArchiveIndex index = new ArchiveIndex();
        for (int i = 1; i <= 4; i++)
        {
            final DataSet d = instance("P1", "1.2.1", "1.2.1.1", "1.2.1.1." + i);
            code(d.addItem(Tag.PROCEDURE_CODE_SEQUENCE), "P1", "Chest CT");
            d.addItem(Tag.REQUEST_ATTRIBUTES_SEQUENCE).putString(Tag.REQUESTED_PROCEDURE_ID, i == 4 ? "RP2" : "RP1");
            index.add(d, null);
        }
        final DataSet first = index.sequencesOf("1.2.1.1.1");
        assertNotNull(first);
        assertSame(first, index.sequencesOf("1.2.1.1.2"));
        assertSame(first, index.sequencesOf("1.2.1.1.3"));
        assertNotSame(first, index.sequencesOf("1.2.1.1.4"));
        assertEquals("RP2", index.sequencesOf("1.2.1.1.4").sequence(Tag.REQUEST_ATTRIBUTES_SEQUENCE).get(0)
            .string(Tag.REQUESTED_PROCEDURE_ID));

        final DataSet big = instance("P1", "1.2.1", "1.2.1.1", "1.2.1.1.5");
        for (int i = 0; i < 300; i++)
        {
            big.addItem(Tag.OTHER_PATIENT_I_DS_SEQUENCE).putString(Tag.PATIENT_ID, "OTHER-ID-" + i);
        }
        index.add(big, null);
        assertNull(index.sequencesOf("1.2.1.1.5"), "longer than MAX_SEQUENCE_LENGTH: not kept");
    }
}
