package org.dimse4j.ae;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.data.DataSet;
import org.dimse4j.dimse.CommandDecoder;
import org.dimse4j.dimse.CommandElement;
import org.dimse4j.dimse.CommandEncoder;
import org.dimse4j.dimse.CommandField;

/**
 * The command sets of the DIMSE-N messages (PS3.7 §10.3, dimse.md §4.12-4.23), written in ascending tag order, and
 * the naming trap they share: N-GET, N-SET, N-ACTION and N-DELETE requests name their SOP class and instance with
 * the Requested elements (0000,0003)/(0000,1001); N-CREATE, N-EVENT-REPORT and every response with the Affected
 * ones (0000,0002)/(0000,1000). Shared by the SCP side ({@link NServiceDispatcher}) and the SCU side
 * ({@link NServiceUser}).
 */
final class NCommands
{
    private NCommands()
    {
    }

    /**
     * @param field a Command Field.
     * @return true for the six DIMSE-N requests.
     */
    static boolean isRequest(final int field)
    {
        return field == CommandField.N_EVENT_REPORT_RQ || field == CommandField.N_GET_RQ ||
            field == CommandField.N_SET_RQ || field == CommandField.N_ACTION_RQ ||
            field == CommandField.N_CREATE_RQ || field == CommandField.N_DELETE_RQ;
    }

    /**
     * @param requestField a DIMSE-N request's Command Field.
     * @return true if it names its SOP class and instance with the Requested elements.
     */
    static boolean usesRequested(final int requestField)
    {
        return requestField == CommandField.N_GET_RQ || requestField == CommandField.N_SET_RQ ||
            requestField == CommandField.N_ACTION_RQ || requestField == CommandField.N_DELETE_RQ;
    }

    /** @return the request's SOP Class UID (Requested or Affected, as its type uses), or null. */
    static String sopClass(final CommandDecoder request)
    {
        return usesRequested(request.commandField()) ? request.requestedSopClassUid() : request.affectedSopClassUid();
    }

    /** @return the request's SOP Instance UID (Requested or Affected, as its type uses), or null. */
    static String sopInstance(final CommandDecoder request)
    {
        return usesRequested(request.commandField()) ? request.requestedSopInstanceUid() :
            request.affectedSopInstanceUid();
    }

    /**
     * Writes a DIMSE-N request's command set.
     *
     * @param enc          the encoder, wrapped.
     * @param field        the request's Command Field.
     * @param messageId    Message ID.
     * @param sopClass     SOP Class UID.
     * @param sopInstance  SOP Instance UID; null only for N-CREATE (the SCP then assigns one).
     * @param typeId       Event Type ID (N-EVENT-REPORT) or Action Type ID (N-ACTION); ignored for the others.
     * @param attributeIds N-GET's Attribute Identifier List; null or empty sends none (all attributes).
     * @param hasDataSet   whether a data set follows.
     */
    static void request(final CommandEncoder enc, final int field, final int messageId, final String sopClass,
        final String sopInstance, final int typeId, final int[] attributeIds, final boolean hasDataSet)
    {
        final boolean requested = usesRequested(field);
        enc.putUid(requested ? CommandElement.REQUESTED_SOP_CLASS_UID : CommandElement.AFFECTED_SOP_CLASS_UID, sopClass)
            .putUS(CommandElement.COMMAND_FIELD, field)
            .putUS(CommandElement.MESSAGE_ID, messageId)
            .putUS(CommandElement.COMMAND_DATA_SET_TYPE, hasDataSet ? CommandElement.DATA_SET_TYPE_PRESENT :
                CommandElement.DATA_SET_TYPE_NONE);
        if (sopInstance != null)
        {
            enc.putUid(requested ? CommandElement.REQUESTED_SOP_INSTANCE_UID : CommandElement.AFFECTED_SOP_INSTANCE_UID,
                sopInstance);
        }
        if (field == CommandField.N_EVENT_REPORT_RQ)
        {
            enc.putUS(CommandElement.EVENT_TYPE_ID, typeId);
        }
        if (field == CommandField.N_GET_RQ && attributeIds != null && attributeIds.length > 0)
        {
            enc.putAT(CommandElement.ATTRIBUTE_IDENTIFIER_LIST, attributeIds, attributeIds.length);
        }
        if (field == CommandField.N_ACTION_RQ)
        {
            enc.putUS(CommandElement.ACTION_TYPE_ID, typeId);
        }
    }

    /**
     * Writes a DIMSE-N response's command set.
     *
     * @param enc          the encoder, wrapped.
     * @param requestField the request's Command Field.
     * @param messageId    the request's Message ID.
     * @param sopClass     Affected SOP Class UID, or null to leave it out.
     * @param sopInstance  Affected SOP Instance UID, or null to leave it out.
     * @param response     status, error comment and ID, attribute identifiers.
     * @param typeId       the request's Event or Action Type ID, sent back (N-EVENT-REPORT-RSP, N-ACTION-RSP) when
     *                     the operation was performed or a reply follows; -1 for none.
     * @param hasDataSet   whether a data set follows.
     */
    static void response(final CommandEncoder enc, final int requestField, final int messageId, final String sopClass,
        final String sopInstance, final NResponse response, final int typeId, final boolean hasDataSet)
    {
        if (sopClass != null)
        {
            enc.putUid(CommandElement.AFFECTED_SOP_CLASS_UID, sopClass);
        }
        enc.putUS(CommandElement.COMMAND_FIELD, requestField | CommandField.RESPONSE_BIT)
            .putUS(CommandElement.MESSAGE_ID_BEING_RESPONDED_TO, messageId)
            .putUS(CommandElement.COMMAND_DATA_SET_TYPE, hasDataSet ? CommandElement.DATA_SET_TYPE_PRESENT :
                CommandElement.DATA_SET_TYPE_NONE)
            .putUS(CommandElement.STATUS, response.status());
        if (response.errorComment() != null && !response.errorComment().isEmpty())
        {
            enc.putString(CommandElement.ERROR_COMMENT, comment(response.errorComment()));
        }
        if (response.errorId() >= 0)
        {
            enc.putUS(CommandElement.ERROR_ID, response.errorId());
        }
        if (sopInstance != null)
        {
            enc.putUid(CommandElement.AFFECTED_SOP_INSTANCE_UID, sopInstance);
        }
        final boolean sendType = typeId >= 0 && (hasDataSet || response.isPerformed());
        if (requestField == CommandField.N_EVENT_REPORT_RQ && sendType)
        {
            enc.putUS(CommandElement.EVENT_TYPE_ID, typeId);
        }
        final int[] ids = response.attributeIdentifiers();
        if (ids != null && ids.length > 0)
        {
            enc.putAT(CommandElement.ATTRIBUTE_IDENTIFIER_LIST, ids, ids.length);
        }
        if (requestField == CommandField.N_ACTION_RQ && sendType)
        {
            enc.putUS(CommandElement.ACTION_TYPE_ID, typeId);
        }
    }

    /** @return an Error Comment value: at most 64 characters of LO, without backslashes. */
    static String comment(final String text)
    {
        final String cut = text.length() > CommandElement.MAX_LO_LENGTH ? text.substring(0, CommandElement.MAX_LO_LENGTH) :
            text;
        return cut.replace('\\', '/');
    }

    /**
     * @param dataSet  a data set.
     * @param encoding a {@link org.dimse4j.data.DataSetReader} encoding.
     * @return its encoding, in a buffer of exactly its length.
     */
    static UnsafeBuffer encode(final DataSet dataSet, final int encoding)
    {
        final int length = dataSet.encodedLength(encoding);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[length]);
        dataSet.write(buffer, 0, encoding);
        return buffer;
    }
}
