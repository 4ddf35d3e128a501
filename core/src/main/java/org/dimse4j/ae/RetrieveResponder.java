package org.dimse4j.ae;

import org.agrona.ExpandableArrayBuffer;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.Tag;
import org.dimse4j.dimse.CommandElement;
import org.dimse4j.dimse.CommandEncoder;
import org.dimse4j.dimse.DimseProvider;
import org.dimse4j.dimse.Status;
import org.dimse4j.ul.Association;

import java.util.List;

/**
 * Sends the C-GET-RSPs and C-MOVE-RSPs of one association (PS3.4 C.4.2.1.5, C.4.3.1.4): the four sub-operation
 * counters (Remaining only where asked: Pending and Cancel), an Error Comment, and, in a final response other than
 * Success, the Failed SOP Instance UID List (0008,0058) as the data set. A data set larger than the send buffer's
 * room goes out over several duty cycles: {@link #flush} until it returns true.
 * <p>
 * When no sub-operation failed, a Cancel, Warning or Failure response carries no data set at all: PS3.4
 * C.4.2.1.4.2 and C.4.3.1.3.2 ask for the list in those responses, and add that if no C-STORE
 * sub-operation failed the list is absent and no data set is sent. DCMTK's dcmqrscp does the same; an empty list
 * would give (0008,0058), VM 1-n, no value.
 */
final class RetrieveResponder
{
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(256);
    private int outOffset;
    private int outRemaining;
    private int outContextId;

    /**
     * Sends what is left of the last response's data set.
     *
     * @return true when nothing is left; false when the send buffer is full.
     */
    boolean flush(final DimseProvider provider, final Association association)
    {
        if (outRemaining > 0 && association.mayProduce())
        {
            final int n = provider.sendDataSet(association, outContextId, out, outOffset, outRemaining);
            outOffset += n;
            outRemaining -= n;
        }
        return outRemaining == 0;
    }

    /** @return true while a response's data set is not all out. */
    boolean isSending()
    {
        return outRemaining > 0;
    }

    /**
     * Sends a response (its command now, its data set as far as the send buffer takes it).
     *
     * @param commandField C-GET-RSP or C-MOVE-RSP.
     * @param sopClass     Affected SOP Class UID, or null.
     * @param messageId    Message ID Being Responded To.
     * @param status       the status.
     * @param remaining    Number of Remaining Sub-operations, or -1 to leave it out.
     * @param completed    Number of Completed Sub-operations.
     * @param failed       Number of Failed Sub-operations.
     * @param warning      Number of Warning Sub-operations.
     * @param failedUids   SOP Instance UIDs of the failed sub-operations: sent as the Failed SOP Instance UID List
     *                     unless the status is Pending or Success or the list is empty.
     * @param comment      Error Comment, or null.
     * @param encoding     the encoding of the data set (the request's identifier's).
     */
    void send(final DimseProvider provider, final Association association, final int contextId,
        final int commandField, final String sopClass, final int messageId, final int status, final int remaining,
        final int completed, final int failed, final int warning, final List<String> failedUids, final String comment,
        final int encoding)
    {
        final boolean identifier = !Status.isPending(status) && !Status.isSuccess(status) && !failedUids.isEmpty();
        final CommandEncoder rsp = provider.beginCommand(association, contextId);
        if (sopClass != null)
        {
            rsp.putUid(CommandElement.AFFECTED_SOP_CLASS_UID, sopClass);
        }
        rsp.putUS(CommandElement.COMMAND_FIELD, commandField)
            .putUS(CommandElement.MESSAGE_ID_BEING_RESPONDED_TO, messageId)
            .putUS(CommandElement.COMMAND_DATA_SET_TYPE, identifier ? CommandElement.DATA_SET_TYPE_PRESENT :
                CommandElement.DATA_SET_TYPE_NONE)
            .putUS(CommandElement.STATUS, status);
        if (comment != null)
        {
            final String text = comment.length() > 64 ? comment.substring(0, 64) : comment;
            rsp.putString(CommandElement.ERROR_COMMENT, text.replace('\\', '/'));
        }
        if (remaining >= 0)
        {
            rsp.putUS(CommandElement.NUMBER_OF_REMAINING_SUB_OPERATIONS, Math.min(0xFFFF, remaining));
        }
        rsp.putUS(CommandElement.NUMBER_OF_COMPLETED_SUB_OPERATIONS, Math.min(0xFFFF, completed))
            .putUS(CommandElement.NUMBER_OF_FAILED_SUB_OPERATIONS, Math.min(0xFFFF, failed))
            .putUS(CommandElement.NUMBER_OF_WARNING_SUB_OPERATIONS, Math.min(0xFFFF, warning));
        provider.sendCommand();
        if (identifier)
        {
            final DataSet list = new DataSet().putStrings(Tag.FAILED_SOP_INSTANCE_UID_LIST,
                failedUids.toArray(new String[0]));
            final int length = list.encodedLength(encoding);
            out.checkLimit(length);
            list.write(out, 0, encoding);
            outContextId = contextId;
            outOffset = 0;
            outRemaining = length;
            flush(provider, association);
        }
    }

    /**
     * Refuses a second retrieve on an association while one is under way (messages are never interleaved).
     */
    static void refuseConcurrent(final DimseProvider provider, final Association association, final int contextId,
        final int commandField, final int messageId, final String what)
    {
        provider.beginCommand(association, contextId)
            .putUid(CommandElement.AFFECTED_SOP_CLASS_UID, association.abstractSyntax(contextId))
            .putUS(CommandElement.COMMAND_FIELD, commandField)
            .putUS(CommandElement.MESSAGE_ID_BEING_RESPONDED_TO, messageId)
            .putUS(CommandElement.COMMAND_DATA_SET_TYPE, CommandElement.DATA_SET_TYPE_NONE)
            .putUS(CommandElement.STATUS, Status.OUT_OF_RESOURCES_SUB_OPERATIONS)
            .putString(CommandElement.ERROR_COMMENT, "one " + what + " at a time per association");
        provider.sendCommand();
    }
}
