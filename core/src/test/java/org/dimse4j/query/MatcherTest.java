package org.dimse4j.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.IntPredicate;

import org.dimse4j.data.DataSet;
import org.dimse4j.data.Tag;
import org.dimse4j.data.VR;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * QueryMatcher against the matching types of PS3.4 C.2.2.2, one value at a time (a table) and on whole identifiers:
 * universal, absent and empty attributes, UID lists, multi-valued candidates, and worklist-style sequence matching.
 */
class MatcherTest
{
    @ParameterizedTest(name = "{0} key [{1}] value [{2}] -> {3}")
    @CsvSource(delimiter = '|', value = {
        // Single Value Matching (C.2.2.2.1): exact, case-sensitive
        "CS | CT          | CT                 | true",
        "CS | CT          | ct                 | false",
        "LO | PID1        | PID12              | false",
        "PN | Doe^John    | Doe^John           | true",
        "PN | DOE^JOHN    | Doe^John           | false",
        "PN | Doe^John    | Doe^John^^^        | true",
        "PN | Yamada^Tarou| Yamada^Tarou=山田^太郎=やまだ^たろう | true",
        "PN | =山田^太郎  | Yamada^Tarou=山田^太郎=やまだ^たろう | true",
        "PN | =山田^花子  | Yamada^Tarou=山田^太郎=やまだ^たろう | false",
        "UI | 1.2.3       | 1.2.3              | true",
        "UI | 1.2.3       | 1.2.30             | false",
        "UI | 1.2.*       | 1.2.3              | false",
        "IS | 7           | 007                | true",
        "DS | 1.50        | 1.5                | true",
        "US | 512         | 512                | true",
        // Wild Card Matching (C.2.2.2.4)
        "PN | DOE*        | DOE^JOHN           | true",
        "PN | DOE*        | DOENITZ^KARL       | true",
        "PN | DOE*        | MDOE^JOHN          | false",
        "PN | DOE*        | doe^john           | false",
        "PN | D?E         | DOE                | true",
        "PN | D?E         | DE                 | false",
        "PN | D?E         | DOOE               | false",
        "PN | *^JOHN      | DOE^JOHN           | true",
        "PN | *OE*        | DOE^JOHN           | true",
        "PN | D*E*N       | DOE^JOHN           | true",
        "PN | D*E*X       | DOE^JOHN           | false",
        "PN | *           | ANYONE             | true",
        "AE | CT?         | CT1                | true",
        "SH | A*1         | ABC1               | true",
        "LO | ?           | ü                  | true",
        // Range Matching of DA (C.2.2.2.5.1)
        "DA | 20200101-20201231 | 20200101     | true",
        "DA | 20200101-20201231 | 20201231     | true",
        "DA | 20200101-20201231 | 20210101     | false",
        "DA | 20200101-20201231 | 20191231     | false",
        "DA | -20201231   | 19000101           | true",
        "DA | -20201231   | 20210101           | false",
        "DA | 20200101-   | 29991231           | true",
        "DA | 20200101-   | 20191231           | false",
        "DA | 20200101    | 20200101           | true",
        "DA | 20200101    | 20200102           | false",
        "DA | 20201231-20200101 | 20200601     | false",
        "DA | 20200101-20201231 | 2020.06.15   | true",
        "DA | 20200101-20201231 | garbage      | false",
        // Range Matching of TM (C.2.2.2.5.2): partial times cover their period, fractions
        "TM | 0800-1200   | 0800               | true",
        "TM | 0800-1200   | 120059.999999      | true",
        "TM | 0800-1200   | 1201               | false",
        "TM | 0800-1200   | 075959.999999      | false",
        "TM | 0800-1200   | 10                 | true",
        "TM | 0800-1200   | 103000.5           | true",
        "TM | 083000.5-   | 083000.499999      | false",
        "TM | 083000.5-   | 083000.5           | true",
        "TM | 083000.5-   | 083000.500001      | true",
        "TM | -0800       | 0800               | true",
        "TM | -0800       | 080100             | false",
        "TM | 2200-0600   | 2300               | false",
        "TM | 10          | 105959             | true",
        "TM | 10          | 110000             | false",
        "TM | 1000-1100   | 10:30:00           | true",
        // Range Matching of DT (C.2.2.2.5.3), with UTC offsets
        "DT | 20200101120000-20200101130000 | 20200101123000      | true",
        "DT | 20200101120000-20200101130000 | 20200101130001      | false",
        "DT | 20200101-20200102 | 20200102235959.999999           | true",
        "DT | 2020-       | 20200101000000                        | true",
        "DT | -2019       | 20200101000000                        | false",
        "DT | 20200101120000+0100-20200101130000+0100 | 20200101113000+0000 | true",
        "DT | 20200101120000+0100-20200101130000+0100 | 20200101123000+0000 | false",
        "DT | 20200101120000-0500 | 20200101170000+0000                 | true",
        "DT | 20200101120000-0500-20200101130000-0500 | 20200101173000 | true",
        "DT | 202001      | 20200131235959                        | true",
        "DT | 202001      | 20200201                              | false",
    })
    void shouldMatchOneValue(final String vr, final String key, final String value, final boolean expected)
    {
        final int code = VR.of(vr);
        assertEquals(expected, QueryMatcher.matchesValue(code, key, value, MatchOptions.DEFAULT));
    }

    @Test
    void shouldMatchPersonNamesCaseInsensitivelyOnlyWhenAsked()
    {
        final MatchOptions ci = MatchOptions.DEFAULT.withPersonNameCaseInsensitive(true);
        assertTrue(QueryMatcher.matchesValue(VR.PN, "doe*", "DOE^JOHN", ci));
        assertTrue(QueryMatcher.matchesValue(VR.PN, "doe^john", "Doe^John", ci));
        assertTrue(QueryMatcher.matchesValue(VR.PN, "müller", "MÜLLER", ci));
        assertFalse(QueryMatcher.matchesValue(VR.LO, "pid*", "PID1", ci), "only PN may ignore case");
        assertFalse(QueryMatcher.matchesValue(VR.PN, "doe*", "DOE^JOHN", MatchOptions.DEFAULT));
    }

    @Test
    void shouldRejectAKeyThatIsNoDateOrRange()
    {
        assertThrows(IllegalArgumentException.class,
            () -> QueryMatcher.matchesValue(VR.DA, "yesterday", "20200101", MatchOptions.DEFAULT));
        assertThrows(IllegalArgumentException.class,
            () -> QueryMatcher.matchesValue(VR.TM, "-", "1000", MatchOptions.DEFAULT));
        assertThrows(IllegalArgumentException.class,
            () -> QueryMatcher.matchesValue(VR.DA, "2020*", "20200101", MatchOptions.DEFAULT),
            "no wild cards for DA (C.2.2.2.4)");
    }

    // ------------------------------------------------------------------------------------------------ identifiers

    private static DataSet study()
    {
        final DataSet s = new DataSet();
        s.putString(Tag.STUDY_DATE, "20200615");
        s.putString(Tag.STUDY_TIME, "093000");
        s.putString(Tag.ACCESSION_NUMBER, "");
        s.putStrings(Tag.MODALITIES_IN_STUDY, "CT", "PT");
        s.putString(Tag.PATIENT_NAME, "DOE^JOHN");
        s.putString(Tag.PATIENT_ID, "PID1");
        s.putString(Tag.STUDY_INSTANCE_UID, "1.2.840.99.1");
        return s;
    }

    private static DataSet key()
    {
        return new DataSet().putString(Tag.QUERY_RETRIEVE_LEVEL, "STUDY")
            .putString(Tag.SPECIFIC_CHARACTER_SET, "ISO_IR 100");
    }

    @Test
    void shouldMatchUniversalKeysWhetherOrNotTheCandidateHoldsThem()
    {
        final DataSet k = key().putString(Tag.PATIENT_NAME, "").putString(Tag.STUDY_DESCRIPTION, "")
            .putString(Tag.REFERRING_PHYSICIAN_NAME, "*");
        k.putSequence(Tag.REFERENCED_STUDY_SEQUENCE);
        assertTrue(QueryMatcher.matches(k, study()));
        assertTrue(QueryMatcher.isUniversal(k, Tag.REFERRING_PHYSICIAN_NAME));
        assertTrue(QueryMatcher.isUniversal(k, Tag.REFERENCED_STUDY_SEQUENCE));
        assertFalse(QueryMatcher.matches(key().putString(Tag.STUDY_DESCRIPTION, "CHEST"), study()),
            "a candidate lacking the attribute of a non-universal key does not match");
    }

    @Test
    void shouldNeverMatchLevelCharacterSetOrTimezone()
    {
        final DataSet k = new DataSet().putString(Tag.QUERY_RETRIEVE_LEVEL, "IMAGE")
            .putString(Tag.SPECIFIC_CHARACTER_SET, "ISO_IR 192").putString(Tag.TIMEZONE_OFFSET_FROM_UTC, "+0100");
        assertTrue(QueryMatcher.matches(k, study()));
    }

    @Test
    void shouldLetAnEmptyCandidateValueMatchUnlessTold()
    {
        final DataSet k = key().putString(Tag.ACCESSION_NUMBER, "A1");
        assertTrue(QueryMatcher.matches(k, study()), "C.2.2.1.2: a zero-length value is unknown and matches");
        assertFalse(QueryMatcher.matches(k, study(), MatchOptions.DEFAULT.withEmptyValueMatches(false)));
    }

    /**
     * C.2.2.1.2 for an SCP that holds an attribute for every entity (an archive index): a candidate without it has
     * an unknown value, matched as a zero-length one; the other absent attributes, and those of sequence items, still
     * fail a non-universal key.
     */
    @Test
    void shouldMatchAHeldAttributeACandidateLacksAsUnknown()
    {
        final IntPredicate held = tag -> tag == Tag.STUDY_DESCRIPTION ||
            tag == Tag.PROCEDURE_CODE_SEQUENCE || tag == Tag.REFERENCED_SOP_INSTANCE_UID;
        final DataSet description = key().putString(Tag.STUDY_DESCRIPTION, "CHEST");
        assertFalse(QueryMatcher.matches(description, study()), "not held: absent fails");
        assertTrue(QueryMatcher.matches(description, study(), MatchOptions.DEFAULT, held));
        assertFalse(QueryMatcher.matches(description, study(), MatchOptions.DEFAULT.withEmptyValueMatches(false),
            held), "an unknown value matches only as a zero-length one does");
        assertFalse(QueryMatcher.matches(key().putString(Tag.REFERRING_PHYSICIAN_NAME, "WHO"), study(),
            MatchOptions.DEFAULT, held), "an attribute not held still fails");

        final DataSet code = key();
        code.addItem(Tag.PROCEDURE_CODE_SEQUENCE).putString(Tag.CODE_VALUE, "P1");
        assertTrue(QueryMatcher.matches(code, study(), MatchOptions.DEFAULT, held), "a held sequence, absent");
        final DataSet reference = key();
        reference.addItem(Tag.REFERENCED_STUDY_SEQUENCE).putString(Tag.REFERENCED_SOP_INSTANCE_UID, "1.2");
        final DataSet candidate = study();
        candidate.addItem(Tag.REFERENCED_STUDY_SEQUENCE).putString(Tag.REFERENCED_SOP_CLASS_UID, "1.2.3");
        assertFalse(QueryMatcher.matches(reference, candidate, MatchOptions.DEFAULT, held),
            "items are whole: an attribute an item lacks fails, held or not");
        candidate.sequence(Tag.REFERENCED_STUDY_SEQUENCE).get(0).putString(Tag.REFERENCED_SOP_INSTANCE_UID, "1.2");
        assertTrue(QueryMatcher.matches(reference, candidate, MatchOptions.DEFAULT, held));
    }

    @Test
    void shouldMatchUidListsAndMultiValuedCandidates()
    {
        assertTrue(QueryMatcher.matches(key().putStrings(Tag.STUDY_INSTANCE_UID, "1.2.3", "1.2.840.99.1"),
            study()));
        assertFalse(QueryMatcher.matches(key().putStrings(Tag.STUDY_INSTANCE_UID, "1.2.3", "1.2.4"), study()));
        assertTrue(QueryMatcher.matches(key().putString(Tag.MODALITIES_IN_STUDY, "PT"), study()),
            "C.2.2.3: any value of a multi-valued candidate may match");
        assertTrue(QueryMatcher.matches(key().putStrings(Tag.MODALITIES_IN_STUDY, "MR", "PT"), study()));
        assertFalse(QueryMatcher.matches(key().putStrings(Tag.MODALITIES_IN_STUDY, "MR", "PT"), study(),
            MatchOptions.DEFAULT.withMultipleValueMatching(true)), "C.2.2.2.8: every key value must match");
        assertTrue(QueryMatcher.matches(key().putStrings(Tag.MODALITIES_IN_STUDY, "CT", "PT"), study(),
            MatchOptions.DEFAULT.withMultipleValueMatching(true)));
    }

    @Test
    void shouldCombineKeysWithAnd()
    {
        final DataSet k = key().putString(Tag.PATIENT_NAME, "DOE*").putString(Tag.STUDY_DATE, "20200101-20201231")
            .putString(Tag.STUDY_TIME, "0800-1000");
        assertTrue(QueryMatcher.matches(k, study()));
        k.putString(Tag.STUDY_TIME, "1000-1200");
        assertFalse(QueryMatcher.matches(k, study()));
    }

    // ------------------------------------------------------------------------------------------------ worklist

    /** A Modality Worklist item (PS3.4 K.6) with two Scheduled Procedure Steps. */
    static DataSet worklistItem()
    {
        final DataSet w = new DataSet();
        w.putString(Tag.ACCESSION_NUMBER, "ACC42");
        w.putString(Tag.PATIENT_NAME, "DOE^JANE");
        w.putString(Tag.PATIENT_ID, "PID9");
        w.putString(Tag.STUDY_INSTANCE_UID, "1.2.840.99.9");
        w.putString(Tag.REQUESTED_PROCEDURE_ID, "RP1");
        final DataSet ct = w.addItem(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE);
        ct.putString(Tag.SCHEDULED_STATION_AE_TITLE, "CT01");
        ct.putString(Tag.SCHEDULED_PROCEDURE_STEP_START_DATE, "20200615");
        ct.putString(Tag.SCHEDULED_PROCEDURE_STEP_START_TIME, "0830");
        ct.putString(Tag.MODALITY, "CT");
        ct.putString(Tag.SCHEDULED_PROCEDURE_STEP_ID, "SPS1");
        ct.addItem(Tag.SCHEDULED_PROTOCOL_CODE_SEQUENCE).putString(Tag.CODE_VALUE, "P1")
            .putString(Tag.CODING_SCHEME_DESIGNATOR, "99LOCAL");
        final DataSet mr = w.addItem(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE);
        mr.putString(Tag.SCHEDULED_STATION_AE_TITLE, "MR01");
        mr.putString(Tag.SCHEDULED_PROCEDURE_STEP_START_DATE, "20200616");
        mr.putString(Tag.SCHEDULED_PROCEDURE_STEP_START_TIME, "1400");
        mr.putString(Tag.MODALITY, "MR");
        mr.putString(Tag.SCHEDULED_PROCEDURE_STEP_ID, "SPS2");
        return w;
    }

    static DataSet worklistKey(final String aeTitle, final String modality, final String date)
    {
        final DataSet k = new DataSet();
        k.putString(Tag.ACCESSION_NUMBER, "");
        k.putString(Tag.PATIENT_NAME, "");
        k.putString(Tag.PATIENT_ID, "");
        final DataSet sps = k.addItem(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE);
        sps.putString(Tag.SCHEDULED_STATION_AE_TITLE, aeTitle);
        sps.putString(Tag.SCHEDULED_PROCEDURE_STEP_START_DATE, date);
        sps.putString(Tag.SCHEDULED_PROCEDURE_STEP_START_TIME, "");
        sps.putString(Tag.MODALITY, modality);
        sps.putString(Tag.SCHEDULED_PROCEDURE_STEP_ID, "");
        return k;
    }

    @ParameterizedTest(name = "AE [{0}] modality [{1}] date [{2}] -> {3}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "      |    |                   | true",
        "CT01  | CT | 20200615          | true",
        "CT01  | CT | 20200101-20201231 | true",
        "      | MR | 20200616-         | true",
        "      | MR | -20200615         | false",
        "CT01  | MR |                   | false",
        "MR01  | MR | 20200616          | true",
        "*01   | C? |                   | true",
        "US01  |    |                   | false",
        "      | CT | 20200616          | false",
    })
    void shouldMatchScheduledProcedureStepsItemByItem(final String aeTitle, final String modality,
        final String date, final boolean expected)
    {
        final DataSet k = worklistKey(null == aeTitle ? "" : aeTitle, null == modality ? "" : modality,
            null == date ? "" : date);
        assertEquals(expected, QueryMatcher.matches(k, worklistItem()), k::toString);
    }

    @Test
    void shouldMatchNestedSequencesAndTreatAnEmptyKeyItemAsUniversal()
    {
        final DataSet k = worklistKey("CT01", "", "");
        k.sequence(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE).get(0).addItem(Tag.SCHEDULED_PROTOCOL_CODE_SEQUENCE)
            .putString(Tag.CODE_VALUE, "P1");
        assertTrue(QueryMatcher.matches(k, worklistItem()));
        k.sequence(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE).get(0).sequence(Tag.SCHEDULED_PROTOCOL_CODE_SEQUENCE)
            .get(0).putString(Tag.CODE_VALUE, "P2");
        assertFalse(QueryMatcher.matches(k, worklistItem()));

        final DataSet universal = new DataSet();
        universal.addItem(Tag.REFERENCED_STUDY_SEQUENCE);
        assertTrue(QueryMatcher.matches(universal, worklistItem()), "an empty key item asks for the sequence only");
        final DataSet missing = new DataSet();
        missing.addItem(Tag.REFERENCED_STUDY_SEQUENCE).putString(Tag.REFERENCED_SOP_INSTANCE_UID, "1.2");
        assertFalse(QueryMatcher.matches(missing, worklistItem()), "the candidate has no such sequence");
    }
}
