package org.dimse4j.query;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.dimse4j.data.DataSet;
import org.dimse4j.data.Tag;
import org.dimse4j.data.ValueRepresentation;
import org.junit.jupiter.api.Test;

/**
 * QueryResponse: the response identifier holds exactly the request's keys, filled from the candidate.
 */
class QueryResponseTest
{
    private static DataSet study()
    {
        final DataSet s = new DataSet();
        s.putString(Tag.SPECIFIC_CHARACTER_SET, "ISO_IR 100");
        s.putString(Tag.STUDY_DATE, "20200615");
        s.putStrings(Tag.MODALITIES_IN_STUDY, "CT", "PT");
        s.putString(Tag.PATIENT_NAME, "DOE^JOHN");
        s.putString(Tag.PATIENT_ID, "PID1");
        s.putString(Tag.PATIENT_BIRTH_DATE, "19700101");
        s.putString(Tag.STUDY_INSTANCE_UID, "1.2.840.99.1");
        s.putUS(Tag.ROWS, 512);
        return s;
    }

    @Test
    void shouldReturnEveryKeyFilledFromTheCandidateAndNothingElse()
    {
        final DataSet k = new DataSet();
        k.putString(Tag.QUERY_RETRIEVE_LEVEL, "STUDY");
        k.putString(Tag.STUDY_DATE, "20200101-20201231");
        k.putString(Tag.MODALITIES_IN_STUDY, "PT");
        k.putString(Tag.PATIENT_NAME, "DOE*");
        k.putString(Tag.STUDY_DESCRIPTION, "");
        k.putString(Tag.STUDY_INSTANCE_UID, "");
        assertTrue(QueryMatcher.matches(k, study()));

        final DataSet r = QueryResponse.responseFor(k, study());
        final DataSet expected = new DataSet();
        expected.putString(Tag.SPECIFIC_CHARACTER_SET, "ISO_IR 100");
        expected.putString(Tag.QUERY_RETRIEVE_LEVEL, "STUDY");
        expected.putString(Tag.STUDY_DATE, "20200615");
        expected.putStrings(Tag.MODALITIES_IN_STUDY, "CT", "PT");
        expected.putString(Tag.PATIENT_NAME, "DOE^JOHN");
        expected.putString(Tag.STUDY_DESCRIPTION, "");
        expected.putString(Tag.STUDY_INSTANCE_UID, "1.2.840.99.1");
        assertEquals(expected, r, () -> "expected:\n" + expected + "got:\n" + r);
        assertFalse(r.contains(Tag.PATIENT_ID), "not asked for");
        assertEquals(ValueRepresentation.LO, r.vr(Tag.STUDY_DESCRIPTION));
    }

    @Test
    void shouldEchoTheRequestsCharacterSetWhenTheCandidateHasNone()
    {
        final DataSet candidate = study();
        candidate.remove(Tag.SPECIFIC_CHARACTER_SET);
        final DataSet k = new DataSet().putString(Tag.SPECIFIC_CHARACTER_SET, "ISO_IR 192")
            .putString(Tag.PATIENT_ID, "");
        final DataSet r = QueryResponse.responseFor(k, candidate);
        assertEquals("ISO_IR 192", r.string(Tag.SPECIFIC_CHARACTER_SET));
        assertEquals("PID1", r.string(Tag.PATIENT_ID));
        assertNull(QueryResponse.responseFor(new DataSet().putString(Tag.PATIENT_ID, ""), candidate)
            .string(Tag.SPECIFIC_CHARACTER_SET));
    }

    @Test
    void shouldCopyBinaryValues()
    {
        final DataSet k = new DataSet().put(Tag.ROWS, ValueRepresentation.US, null);
        final DataSet r = QueryResponse.responseFor(k, study());
        assertArrayEquals(new byte[] {0, 2}, r.bytes(Tag.ROWS));
        assertEquals(512, r.intValue(Tag.ROWS, -1));
    }

    @Test
    void shouldReturnOnlyTheMatchingScheduledProcedureStepsWithTheRequestedKeys()
    {
        final DataSet k = MatcherTest.worklistKey("", "MR", "");
        final DataSet r = QueryResponse.responseFor(k, MatcherTest.worklistItem());
        final List<DataSet> steps = r.sequence(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE);
        assertEquals(1, steps.size(), r::toString);
        final DataSet sps = steps.get(0);
        assertEquals("MR01", sps.string(Tag.SCHEDULED_STATION_AE_TITLE));
        assertEquals("20200616", sps.string(Tag.SCHEDULED_PROCEDURE_STEP_START_DATE));
        assertEquals("1400", sps.string(Tag.SCHEDULED_PROCEDURE_STEP_START_TIME));
        assertEquals("MR", sps.string(Tag.MODALITY));
        assertEquals("SPS2", sps.string(Tag.SCHEDULED_PROCEDURE_STEP_ID));
        assertEquals(5, sps.size(), "only the key item's attributes");
        assertEquals("DOE^JANE", r.string(Tag.PATIENT_NAME));
        assertEquals("ACC42", r.string(Tag.ACCESSION_NUMBER));
        assertFalse(r.contains(Tag.STUDY_INSTANCE_UID));
        assertFalse(r.contains(Tag.QUERY_RETRIEVE_LEVEL), "worklist identifiers carry no level (K.6.1)");

        final DataSet all = QueryResponse.responseFor(MatcherTest.worklistKey("", "", ""),
            MatcherTest.worklistItem());
        assertEquals(2, all.sequence(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE).size());
    }

    @Test
    void shouldReturnTheWholeSequenceForAnEmptyKeyItemAndAnEmptyOneWhenAbsent()
    {
        final DataSet k = new DataSet();
        k.addItem(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE);
        k.addItem(Tag.REFERENCED_STUDY_SEQUENCE);
        final DataSet r = QueryResponse.responseFor(k, MatcherTest.worklistItem());
        assertEquals(MatcherTest.worklistItem().sequence(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE),
            r.sequence(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE), "C.2.2.2.6: the entire sequence");
        assertEquals(0, r.sequence(Tag.REFERENCED_STUDY_SEQUENCE).size());
    }

    @Test
    void shouldProjectNestedSequencesLikewise()
    {
        final DataSet k = MatcherTest.worklistKey("CT01", "", "");
        k.sequence(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE).get(0).addItem(Tag.SCHEDULED_PROTOCOL_CODE_SEQUENCE)
            .putString(Tag.CODE_VALUE, "");
        final DataSet r = QueryResponse.responseFor(k, MatcherTest.worklistItem());
        final DataSet code = r.sequence(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE).get(0)
            .sequence(Tag.SCHEDULED_PROTOCOL_CODE_SEQUENCE).get(0);
        assertEquals("P1", code.string(Tag.CODE_VALUE));
        assertEquals(1, code.size(), "Coding Scheme Designator was not asked for");
    }
}
