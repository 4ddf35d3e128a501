package org.dimse4j.ae;

import org.dimse4j.data.DataSet;
import org.dimse4j.data.Tag;
import org.dimse4j.data.Uid;
import org.dimse4j.data.Uids;

import java.io.IOException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Modality Performed Procedure Step SCU helpers (PS3.4 F.7.2): the attribute lists of the N-CREATE that starts a
 * step (IN PROGRESS) and of the N-SET that ends it (COMPLETED or DISCONTINUED), and the calls that send them.
 */
public final class MppsScu
{
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HHmmss");

    private MppsScu()
    {
    }

    /**
     * The N-CREATE Attribute List of a step starting now (PS3.4 Table F.7.2-1): its Type 1 attributes filled (a new
     * Performed Procedure Step ID, start date and time, IN PROGRESS, Modality OT, our AE title as Performed Station AE
     * Title), its Type 2 attributes present and empty, a Scheduled Step Attributes Sequence item with a new Study
     * Instance UID; then every attribute of {@code overrides} replaces the one with its tag.
     *
     * @param stationAeTitle Performed Station AE Title.
     * @param overrides      attributes to set (e.g. from a worklist item); may be null.
     * @return the attribute list.
     */
    public static DataSet inProgress(final String stationAeTitle, final DataSet overrides)
    {
        final LocalDateTime now = LocalDateTime.now();
        final DataSet attributes = new DataSet();
        attributes.putString(Tag.SPECIFIC_CHARACTER_SET, "ISO_IR 100");
        attributes.putString(Tag.MODALITY, "OT");
        attributes.putSequence(Tag.PROCEDURE_CODE_SEQUENCE);
        attributes.putSequence(Tag.REFERENCED_PATIENT_SEQUENCE);
        attributes.putString(Tag.PATIENT_NAME, null);
        attributes.putString(Tag.PATIENT_ID, null);
        attributes.putString(Tag.PATIENT_BIRTH_DATE, null);
        attributes.putString(Tag.PATIENT_SEX, null);
        attributes.putString(Tag.STUDY_ID, null);
        attributes.putString(Tag.PERFORMED_STATION_AE_TITLE, stationAeTitle);
        attributes.putString(Tag.PERFORMED_STATION_NAME, null);
        attributes.putString(Tag.PERFORMED_LOCATION, null);
        attributes.putString(Tag.PERFORMED_PROCEDURE_STEP_START_DATE, DATE.format(now));
        attributes.putString(Tag.PERFORMED_PROCEDURE_STEP_START_TIME, TIME.format(now));
        attributes.putString(Tag.PERFORMED_PROCEDURE_STEP_END_DATE, null);
        attributes.putString(Tag.PERFORMED_PROCEDURE_STEP_END_TIME, null);
        attributes.putString(Tag.PERFORMED_PROCEDURE_STEP_STATUS, MppsService.IN_PROGRESS);
        attributes.putString(Tag.PERFORMED_PROCEDURE_STEP_ID, String.valueOf(System.currentTimeMillis() % 10_000_000_000L));
        attributes.putString(Tag.PERFORMED_PROCEDURE_STEP_DESCRIPTION, null);
        attributes.putString(Tag.PERFORMED_PROCEDURE_TYPE_DESCRIPTION, null);
        final DataSet scheduled = attributes.addItem(Tag.SCHEDULED_STEP_ATTRIBUTES_SEQUENCE);
        scheduled.putString(Tag.ACCESSION_NUMBER, null);
        scheduled.putSequence(Tag.REFERENCED_STUDY_SEQUENCE);
        scheduled.putString(Tag.STUDY_INSTANCE_UID, Uids.random());
        scheduled.putString(Tag.REQUESTED_PROCEDURE_DESCRIPTION, null);
        scheduled.putString(Tag.SCHEDULED_PROCEDURE_STEP_DESCRIPTION, null);
        scheduled.putSequence(Tag.SCHEDULED_PROTOCOL_CODE_SEQUENCE);
        scheduled.putString(Tag.SCHEDULED_PROCEDURE_STEP_ID, null);
        scheduled.putString(Tag.REQUESTED_PROCEDURE_ID, null);
        attributes.putSequence(Tag.PERFORMED_PROTOCOL_CODE_SEQUENCE);
        attributes.putSequence(Tag.PERFORMED_SERIES_SEQUENCE);
        return merge(attributes, overrides);
    }

    /**
     * The N-SET Modification List that ends a step now: the final status, end date and time, then
     * {@code overrides}.
     *
     * @param finalStatus {@link MppsService#COMPLETED} or {@link MppsService#DISCONTINUED}.
     * @param overrides   attributes to set as well (e.g. the Performed Series Sequence); may be null.
     * @return the modification list.
     */
    public static DataSet ending(final String finalStatus, final DataSet overrides)
    {
        if (!MppsService.COMPLETED.equals(finalStatus) && !MppsService.DISCONTINUED.equals(finalStatus))
        {
            throw new IllegalArgumentException("a step ends COMPLETED or DISCONTINUED, not " + finalStatus);
        }
        final LocalDateTime now = LocalDateTime.now();
        final DataSet modifications = new DataSet();
        modifications.putString(Tag.PERFORMED_PROCEDURE_STEP_STATUS, finalStatus);
        modifications.putString(Tag.PERFORMED_PROCEDURE_STEP_END_DATE, DATE.format(now));
        modifications.putString(Tag.PERFORMED_PROCEDURE_STEP_END_TIME, TIME.format(now));
        return merge(modifications, overrides);
    }

    private static DataSet merge(final DataSet base, final DataSet overrides)
    {
        if (overrides != null)
        {
            for (final int tag : overrides.tags())
            {
                MppsService.copyAttribute(overrides, base, tag);
            }
        }
        return base;
    }

    /**
     * Sends the N-CREATE of a step.
     *
     * @param association    an association with an accepted MPPS context.
     * @param sopInstanceUid the step's UID, or null to let the SCP assign one.
     * @param attributes     e.g. {@link #inProgress}.
     * @return the response; its SOP instance UID names the step.
     * @throws IOException if no MPPS context was accepted or the association fails.
     */
    public static NResponse create(final ClientAssociation association, final String sopInstanceUid,
        final DataSet attributes) throws IOException
    {
        return association.nCreate(Uid.MODALITY_PERFORMED_PROCEDURE_STEP, sopInstanceUid, attributes);
    }

    /**
     * Sends the N-SET of a step.
     *
     * @param association    an association with an accepted MPPS context.
     * @param sopInstanceUid the step.
     * @param modifications  e.g. {@link #ending}.
     * @return the response.
     * @throws IOException if no MPPS context was accepted or the association fails.
     */
    public static NResponse set(final ClientAssociation association, final String sopInstanceUid,
        final DataSet modifications) throws IOException
    {
        return association.nSet(Uid.MODALITY_PERFORMED_PROCEDURE_STEP, sopInstanceUid, modifications);
    }
}
