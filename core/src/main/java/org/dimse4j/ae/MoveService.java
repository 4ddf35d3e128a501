package org.dimse4j.ae;

import org.dimse4j.archive.ArchiveIndex;
import org.dimse4j.archive.ArchiveIndex.Level;
import org.dimse4j.data.Uid;
import org.dimse4j.dimse.CommandDecoder;
import org.dimse4j.dimse.CommandField;
import org.dimse4j.dimse.DimseProvider;
import org.dimse4j.dimse.Status;
import org.dimse4j.ul.Association;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Query/Retrieve C-MOVE SCP of one association (Patient Root and Study Root MOVE), over an {@link ArchiveIndex};
 * driven by {@link ServiceDispatcher} on the association's I/O thread, like {@link GetService}.
 * <p>
 * The identifier is checked and matched as for C-GET ({@link RetrieveKeys}). Then the Move Destination (0000,0600)
 * is looked up in the AE's {@link ApplicationEntity#remoteAes() table of peers}: an unknown one is refused with
 * 0xA801 and no sub-operation. Otherwise the C-STORE sub-operations run on a worker thread of the server
 * ({@link MoveSubOperations}: a new association to the destination, files streamed as they lie), and this service
 * polls their progress each duty cycle: a Pending C-MOVE-RSP with the four counters follows whenever sub-operations
 * have finished since the last one (at most one per sub-operation, fewer when several finish within one cycle).
 * <p>
 * A C-CANCEL-RQ stops the worker between sub-operations: final status Cancel (0xFE00) with the counters, Remaining
 * included. The final response is Success when every sub-operation completed, 0xB000 when some failed or had
 * warnings, 0xA702 when all failed; the last two (and Cancel with failures) carry the Failed SOP Instance UID List.
 * <p>
 * A destination that cannot be reached or rejects the association fails every sub-operation, so the final status is
 * 0xA702 with the Failed SOP Instance UID List (PS3.4 C.4.2.3.1: all sub-operations failed gives a Failure or
 * Refused status; DCMTK's dcmqrscp answers the same). 0xA801 is kept for a destination we do not know at all.
 * <p>
 * One C-MOVE at a time per association, as for C-GET (a second is refused with 0xA702). If the association ends
 * mid-move, the worker is interrupted and the sub-association aborted.
 */
final class MoveService extends RetrieveService
{
    private static final Logger LOG = LoggerFactory.getLogger(MoveService.class);

    /** Worker threads of one server: C-MOVEs beyond this many wait for one to end. */
    static final int WORKERS = 4;

    private final ApplicationEntity ae;
    private final ArchiveIndex index;
    private final ExecutorService workers;

    private String destination;

    private MoveSubOperations job;
    private int seenVersion;
    private boolean cancelForwarded;

    /**
     * @param ae      our AE: its query index, its table of peers; it calls the destinations.
     * @param workers where sub-operations run (the server's, see {@link #newExecutor}).
     */
    MoveService(final ApplicationEntity ae, final ExecutorService workers)
    {
        super(LOG, "C-MOVE", CommandField.C_MOVE_RSP, Uid.PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE);
        this.ae = ae;
        this.index = ae.queryIndex();
        this.workers = workers;
    }

    /**
     * @param name prefix of the thread names.
     * @return a pool of {@link #WORKERS} daemon threads that end when idle for 30 s.
     */
    static ExecutorService newExecutor(final String name)
    {
        final AtomicInteger count = new AtomicInteger();
        final ThreadPoolExecutor pool = new ThreadPoolExecutor(WORKERS, WORKERS, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), task ->
            {
                final Thread thread = new Thread(task, name + "-move-" + count.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * @param sopClass an abstract syntax.
     * @return true for Patient Root and Study Root Query/Retrieve MOVE.
     */
    static boolean isMoveModel(final String sopClass)
    {
        return Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE.equals(sopClass) ||
            Uid.PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE.equals(sopClass);
    }

    void onRequest(final DimseProvider provider, final Association association, final int contextId,
        final CommandDecoder command)
    {
        if (beginRequest(provider, association, contextId, command))
        {
            this.destination = command.moveDestination();
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
        job = null;
        seenVersion = 0;
        cancelForwarded = false;
    }

    @Override
    void start(final Association association, final Level level, final List<ArchiveIndex.Entry> entries)
    {
        final RemoteAe peer = ae.remoteAes().lookup(destination);
        if (peer == null)
        {
            fail(Status.MOVE_DESTINATION_UNKNOWN, "Move Destination " + destination + " unknown");
            return;
        }
        LOG.info("{}: C-MOVE {} level {}: {} instances to {} at {}:{}", association.name(),
            patientRoot ? "Patient Root" : "Study Root", level, entries.size(), peer.aeTitle(), peer.host(),
            peer.port());
        active = true;
        if (entries.isEmpty())
        {
            return; // Success at once, no sub-association
        }
        final MoveSubOperations subOperations = new MoveSubOperations(ae, peer, entries,
            association.associateRequest().callingAeTitle().strip(), messageId, priority, association.name());
        try
        {
            workers.execute(subOperations);
            job = subOperations;
        }
        catch (final RejectedExecutionException ex)
        {
            fail(Status.OUT_OF_RESOURCES_SUB_OPERATIONS, "server closing: cannot start sub-operations");
        }
    }

    /**
     * Sends what is due: the rest of a response's data set, a refusal, a Pending or the final response.
     *
     * @return work done.
     */
    @Override
    int onTick(final DimseProvider provider, final Association association)
    {
        int work = 0;
        while (true)
        {
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
            if (!active || finishing)
            {
                return work;
            }
            if (failStatus >= 0)
            {
                LOG.info("{}: C-MOVE answered 0x{}: {}", association.name(), Integer.toHexString(failStatus),
                    failError);
                sendFinal(provider, association, failStatus, -1, 0, 0, 0, List.of(), failError);
                return work + 1;
            }
            if (job == null)
            {
                sendFinal(provider, association, Status.SUCCESS, -1, 0, 0, 0, List.of(), null);
                return work + 1;
            }
            if (!cancelForwarded && provider.isCancelled(messageId))
            {
                cancelForwarded = true;
                job.cancel();
            }
            final int version = job.version();
            if (version == seenVersion)
            {
                return work;
            }
            seenVersion = version;
            final MoveSubOperations.Progress p = job.progress();
            if (!p.finished())
            {
                sendResponse(provider, association, Status.PENDING, p.remaining(), p.completed(), p.failed(),
                    p.warning(), List.of(), null);
                return work + 1;
            }
            final int status = p.cancelled() ? Status.CANCEL :
                p.failed() == 0 && p.warning() == 0 ? Status.SUCCESS :
                p.completed() == 0 && p.warning() == 0 ? Status.OUT_OF_RESOURCES_SUB_OPERATIONS :
                Status.SUB_OPERATIONS_COMPLETE_WITH_FAILURES;
            LOG.info("{}: C-MOVE to {} ended 0x{}: completed {}, failed {}, warning {}, remaining {}",
                association.name(), destination, Integer.toHexString(status), p.completed(), p.failed(),
                p.warning(), p.remaining());
            sendFinal(provider, association, status, status == Status.CANCEL ? p.remaining() : -1, p.completed(),
                p.failed(), p.warning(), p.failedUids(), null);
            return work + 1;
        }
    }

    @Override
    void onFinish()
    {
        job = null;
    }

    @Override
    void onClosed()
    {
        if (job != null)
        {
            job.abort();
            job = null;
        }
        super.onClosed();
    }
}
