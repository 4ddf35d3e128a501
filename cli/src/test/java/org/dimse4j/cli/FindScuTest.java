package org.dimse4j.cli;

import org.dimse4j.data.DataSet;
import org.dimse4j.data.Tag;
import org.dimse4j.data.ValueRepresentation;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class FindScuTest
{
    @Test
    void shouldBuildIdentifierFromKeywordsAndTags()
    {
        final DataSet id = FindScu.identifier(List.of("QueryRetrieveLevel=STUDY", "PatientName=DOE*",
            "0020,000d", "(0008,0020)=20240101-20241231", "NumberOfStudyRelatedInstances"));
        assertEquals("STUDY", id.string(Tag.QUERY_RETRIEVE_LEVEL));
        assertEquals("DOE*", id.string(Tag.PATIENT_NAME));
        assertEquals(ValueRepresentation.UI, id.vr(Tag.STUDY_INSTANCE_UID));
        assertEquals(0, id.bytes(Tag.STUDY_INSTANCE_UID).length);
        assertEquals("20240101-20241231", id.string(Tag.STUDY_DATE));
        assertTrue(id.contains(Tag.NUMBER_OF_STUDY_RELATED_INSTANCES));
    }

    @Test
    void shouldBuildSequenceKeysFromPaths()
    {
        final DataSet id = FindScu.identifier(List.of("PatientName=DOE*",
            "ScheduledProcedureStepSequence[0].Modality=CT", "(0040,0100)[0].(0040,0002)=20261124-20261130",
            "ScheduledProcedureStepSequence[0].ScheduledStationAETitle", "(0040,1001)"));
        assertEquals("DOE*", id.string(Tag.PATIENT_NAME));
        assertEquals(1, id.sequence(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE).size());
        final DataSet step = id.sequence(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE).get(0);
        assertEquals("CT", step.string(Tag.MODALITY));
        assertEquals("20261124-20261130", step.string(Tag.SCHEDULED_PROCEDURE_STEP_START_DATE));
        assertEquals(ValueRepresentation.AE, step.vr(Tag.SCHEDULED_STATION_AE_TITLE));
        assertTrue(id.contains(Tag.REQUESTED_PROCEDURE_ID));

        final DataSet whole = FindScu.identifier(List.of("(0040,0100)"));
        assertEquals(0, whole.sequence(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE).size());
        assertThrows(IllegalArgumentException.class, () -> FindScu.identifier(List.of("PatientName[0].Modality=CT")));
        assertThrows(IllegalArgumentException.class,
            () -> FindScu.identifier(List.of("ScheduledProcedureStepSequence[x].Modality=CT")));
    }

    @Test
    void shouldRejectUnknownKeys()
    {
        assertThrows(IllegalArgumentException.class, () -> FindScu.identifier(List.of("NoSuchKeyword=1")));
        assertThrows(IllegalArgumentException.class, () -> FindScu.identifier(List.of("0010,00zz")));
    }
}
