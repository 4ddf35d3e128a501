package org.dimse4j.ae;

import org.dimse4j.archive.ArchiveIndex;
import org.dimse4j.archive.ArchiveIndex.Level;
import org.dimse4j.data.Part10Info;
import org.dimse4j.data.Part10Reader;
import org.dimse4j.data.Tag;
import org.dimse4j.data.Uid;
import org.dimse4j.dimse.CommandDecoder;
import org.dimse4j.dimse.CommandElement;
import org.dimse4j.dimse.CommandField;
import org.dimse4j.dimse.DimseProvider;
import org.dimse4j.dimse.Status;
import org.dimse4j.pdu.AssociatePdu;
import org.dimse4j.ul.Association;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The Query/Retrieve C-GET SCP of one association (Patient Root and Study Root GET), over an {@link ArchiveIndex};
 * driven by {@link ServiceDispatcher} on the association's I/O thread, like {@link FindService}.
 * <p>
 * The identifier is gathered and checked as for C-FIND (level PATIENT (Patient Root only), STUDY, SERIES or IMAGE;
 * the unique keys of the levels above the requested one must have values); the instances to send are those whose
 * unique keys, from the model's top level down to the requested level, match the identifier's (a UID list matches
 * any of its UIDs). Then, one at a time, each instance goes out as a C-STORE sub-operation on this association:
 * <ul>
 *     <li>on a context accepted for its SOP class with the transfer syntax of its file (never transcoded), whose
 *     SCP role the requestor was granted in role selection; without one, the sub-operation counts as failed;</li>
 *     <li>the C-STORE-RQ carries the C-GET's Priority; its data set streams from the file straight into the send
 *     buffer, as much as fits each duty cycle;</li>
 *     <li>its C-STORE-RSP ({@link #onStoreResponse}) counts it completed, warning or failed, and a Pending C-GET-RSP
 *     with the four counters follows each sub-operation.</li>
 * </ul>
 * A C-CANCEL-RQ is honoured between sub-operations: final status Cancel (0xFE00) with the counters. The final
 * response is Success when every sub-operation completed, 0xB000 when some failed or had warnings, 0xA702 when all
 * failed; the last two (and Cancel with failures) carry the Failed SOP Instance UID List (0008,0058).
 * <p>
 * <b>One C-GET at a time per association</b> (the default asynchronous operations window): a C-GET-RQ arriving
 * while another is under way is refused with 0xA702 once the current sub-operation's message is out (messages are
 * never interleaved). The matches are resolved in full when the identifier arrives (a linear scan of the index).
 * Each sub-operation reads its file's head ({@link Part10Reader#read}) on the I/O thread. A C-FIND running on the
 * same association at the same time (a window larger than 1) is not coordinated with it: their messages could
 * interleave, so do not negotiate such a window for C-GET.
 */
final class GetService extends RetrieveService
{
    private static final Logger LOG = LoggerFactory.getLogger(GetService.class);

    /** Most steps (PDU batches, responses, sub-operations begun) in one duty cycle. */
    private static final int MAX_WORK_PER_TICK = 64;

    private final ArchiveIndex index;

    private List<ArchiveIndex.Entry> entries;
    private int next;
    private int completed;
    private int failed;
    private int warning;
    private final List<String> failedUids = new ArrayList<>();
    private boolean pendingDue;

    private FileChannel file;
    private long filePosition;
    private long fileRemaining;
    private int subContextId;
    private int subMessageId = -1;
    private boolean awaitingStoreResponse;
    private String subInstance;

    GetService(final ArchiveIndex index)
    {
        super(LOG, "C-GET", CommandField.C_GET_RSP, Uid.PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET);
        this.index = index;
    }

    /**
     * @param sopClass an abstract syntax.
     * @return true for Patient Root and Study Root Query/Retrieve GET.
     */
    static boolean isGetModel(final String sopClass)
    {
        return Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET.equals(sopClass) ||
            Uid.PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET.equals(sopClass);
    }

    /**
     * @param messageIdBeingRespondedTo of a C-STORE-RSP.
     * @return true if it answers our current sub-operation.
     */
    boolean isAwaiting(final int messageIdBeingRespondedTo)
    {
        return awaitingStoreResponse && messageIdBeingRespondedTo == subMessageId;
    }

    void onRequest(final DimseProvider provider, final Association association, final int contextId,
        final CommandDecoder command)
    {
        if (!beginRequest(provider, association, contextId, command))
        {
            if (command.hasDataSet())
            {
                LOG.debug("{}: the refused C-GET's identifier is ignored", association.name());
            }
            return;
        }
        if (!receiving)
        {
            onTick(provider, association); // failed: no identifier
        }
    }

    @Override
    ArchiveIndex index()
    {
        return index;
    }

    @Override
    void onReset()
    {
        completed = 0;
        failed = 0;
        warning = 0;
        failedUids.clear();
        pendingDue = false;
    }

    @Override
    void start(final Association association, final Level level, final List<ArchiveIndex.Entry> entries)
    {
        LOG.debug("{}: C-GET {} level {}: {} instances", association.name(), patientRoot ? "Patient Root" :
            "Study Root", level, entries.size());
        this.entries = entries;
        next = 0;
        active = true;
    }

    @Override
    void fail(final int status, final String why)
    {
        super.fail(status, why);
        entries = List.of();
        next = 0;
    }

    /**
     * Sends what the send buffer takes of the current operation.
     *
     * @return work done.
     */
    @Override
    int onTick(final DimseProvider provider, final Association association)
    {
        int work = 0;
        while (work < MAX_WORK_PER_TICK)
        {
            if (file != null) // never while a response's data set is going out: messages are not interleaved
            {
                if (!sendFileData(provider, association))
                {
                    return work;
                }
                work++;
                continue;
            }
            final int queued = sendQueued(provider, association);
            if (queued == BLOCKED)
            {
                return work;
            }
            if (queued == SENT)
            {
                work++;
                continue;
            }
            if (!active || awaitingStoreResponse)
            {
                return work;
            }
            if (pendingDue)
            {
                pendingDue = false;
                sendResponse(provider, association, Status.PENDING, true);
                work++;
                continue;
            }
            if (failStatus >= 0)
            {
                LOG.info("{}: C-GET answered 0x{}: {}", association.name(), Integer.toHexString(failStatus),
                    failError);
                sendFinal(provider, association, failStatus);
                return work + 1;
            }
            if (provider.isCancelled(messageId))
            {
                LOG.debug("{}: C-GET cancelled after {} of {} instances", association.name(), next, entries.size());
                sendFinal(provider, association, Status.CANCEL);
                return work + 1;
            }
            if (next == entries.size())
            {
                final int status = failed == 0 && warning == 0 ? Status.SUCCESS :
                    completed == 0 && warning == 0 ? Status.OUT_OF_RESOURCES_SUB_OPERATIONS :
                    Status.SUB_OPERATIONS_COMPLETE_WITH_FAILURES;
                sendFinal(provider, association, status);
                return work + 1;
            }
            beginSubOperation(provider, association, entries.get(next++));
            work++;
        }
        return work;
    }

    private void beginSubOperation(final DimseProvider provider, final Association association,
        final ArchiveIndex.Entry entry)
    {
        subInstance = entry.sopInstanceUid();
        if (entry.path() == null)
        {
            subFailed(association, "no file");
            return;
        }
        final Part10Info info;
        try
        {
            info = Part10Reader.read(entry.path());
        }
        catch (final IOException | RuntimeException ex)
        {
            subFailed(association, "cannot read " + entry.path() + ": " + ex.getMessage());
            return;
        }
        final String instanceClass = info.mediaStorageSopClassUid() != null ? info.mediaStorageSopClassUid() :
            entry.attributes().string(Tag.SOP_CLASS_UID);
        final int ctx = instanceClass == null ? -1 :
            storeContext(association, instanceClass, info.transferSyntaxUid());
        if (ctx < 0)
        {
            subFailed(association, "no context with SCP role granted to the requestor for " + instanceClass +
                " in " + info.transferSyntaxUid());
            return;
        }
        try
        {
            file = FileChannel.open(entry.path(), StandardOpenOption.READ);
        }
        catch (final IOException ex)
        {
            subFailed(association, "cannot open " + entry.path() + ": " + ex.getMessage());
            return;
        }
        filePosition = info.dataSetOffset();
        fileRemaining = info.dataSetLength();
        subContextId = ctx;
        subMessageId = provider.nextMessageId();
        provider.beginCommand(association, ctx)
            .putUid(CommandElement.AFFECTED_SOP_CLASS_UID, instanceClass)
            .putUS(CommandElement.COMMAND_FIELD, CommandField.C_STORE_RQ)
            .putUS(CommandElement.MESSAGE_ID, subMessageId)
            .putUS(CommandElement.PRIORITY, priority)
            .putUS(CommandElement.COMMAND_DATA_SET_TYPE, CommandElement.DATA_SET_TYPE_PRESENT)
            .putUid(CommandElement.AFFECTED_SOP_INSTANCE_UID, subInstance);
        provider.sendCommand();
        awaitingStoreResponse = true;
        sendFileData(provider, association);
    }

    /** @return true when the file's data set is out (the file is closed then). */
    private boolean sendFileData(final DimseProvider provider, final Association association)
    {
        if (!association.mayProduce())
        {
            return false;
        }
        try
        {
            final long n = provider.sendDataSet(association, subContextId, file, filePosition, fileRemaining);
            filePosition += n;
            fileRemaining -= n;
            if (fileRemaining > 0)
            {
                return false;
            }
        }
        catch (final IOException ex)
        {
            // a truncated data set must never be stored: the association cannot go on
            LOG.warn("{}: reading {} failed mid data set; aborting: {}", association.name(), subInstance,
                ex.getMessage());
            closeFile();
            association.abort();
            return false;
        }
        closeFile();
        return true;
    }

    private void closeFile()
    {
        if (file != null)
        {
            try
            {
                file.close();
            }
            catch (final IOException ignore)
            {
                // read-only
            }
            file = null;
        }
    }

    private static int storeContext(final Association association, final String sopClass, final String ts)
    {
        final AssociatePdu.RoleSelection role = association.associateAccept().roleSelection(sopClass);
        if (role == null || !role.scp())
        {
            return -1;
        }
        for (int id = 1; id < 256; id += 2)
        {
            if (sopClass.equals(association.abstractSyntax(id)) && ts.equals(association.transferSyntax(id)))
            {
                return id;
            }
        }
        return -1;
    }

    private void subFailed(final Association association, final String why)
    {
        LOG.info("{}: C-GET sub-operation for {} failed: {}", association.name(), subInstance, why);
        failed++;
        failedUids.add(subInstance);
        pendingDue = true;
    }

    /**
     * A C-STORE-RSP to our current sub-operation.
     */
    void onStoreResponse(final DimseProvider provider, final Association association, final CommandDecoder command)
    {
        awaitingStoreResponse = false;
        subMessageId = -1;
        final int status = command.status();
        if (Status.isSuccess(status))
        {
            completed++;
        }
        else if (Status.isWarning(status))
        {
            warning++;
        }
        else
        {
            LOG.info("{}: C-STORE sub-operation for {} answered 0x{}", association.name(), subInstance,
                Integer.toHexString(status));
            failed++;
            failedUids.add(subInstance);
        }
        pendingDue = true;
        onTick(provider, association);
    }

    private void sendResponse(final DimseProvider provider, final Association association, final int status,
        final boolean withRemaining)
    {
        sendResponse(provider, association, status, withRemaining ? entries.size() - next : -1, completed, failed,
            warning, failedUids, comment(status));
    }

    /** Sends the final response: Remaining only with Cancel, the Error Comment only with the failure status. */
    private void sendFinal(final DimseProvider provider, final Association association, final int status)
    {
        sendFinal(provider, association, status, status == Status.CANCEL ? entries.size() - next : -1, completed,
            failed, warning, failedUids, comment(status));
    }

    private String comment(final int status)
    {
        return failError != null && status == failStatus ? failError : null;
    }

    @Override
    void onFinish()
    {
        entries = null;
        pendingDue = false;
    }

    @Override
    void onClosed()
    {
        closeFile();
        super.onClosed();
        entries = null;
        awaitingStoreResponse = false;
    }
}
