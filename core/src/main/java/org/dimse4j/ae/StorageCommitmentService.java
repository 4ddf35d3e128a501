package org.dimse4j.ae;

import org.dimse4j.archive.ArchiveIndex;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.Tag;
import org.dimse4j.data.TransferSyntax;
import org.dimse4j.data.Uid;
import org.dimse4j.data.Uids;
import org.dimse4j.dimse.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Storage Commitment Push Model SCP (PS3.4 Annex J) over an {@link ArchiveIndex}: answers the N-ACTION-RQ (Action
 * Type ID 1) at once, then, on a worker thread, checks each referenced instance against the index (present, and
 * held under the SOP class named; otherwise Failure Reason 0x0112 no such object instance or 0x0119 class/instance
 * conflict) and reports the result with an N-EVENT-REPORT-RQ (Event Type ID 1 all committed, 2 failures exist; the
 * Transaction UID, our AE title as Retrieve AE Title). The report goes on the requesting association while it is
 * open; otherwise (or if it closes before the report went out) on a new association to the requestor, looked up
 * by its calling AE title in {@link ApplicationEntity#remoteAes()}, proposing the Storage Commitment Push Model with
 * role selection SCU = 0, SCP = 1. An unknown requestor or a failed delivery is logged and counted
 * ({@link #undeliveredCount()}); the result is then lost, as the standard allows the SCU to ask again.
 * <p>
 * The I/O thread only validates the request: the check and any connection run on the service's own threads (two
 * at most, daemon, ended when idle).
 * Register with {@link ApplicationEntity.Builder#acceptStorageCommitment}.
 */
public final class StorageCommitmentService implements NServiceHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(StorageCommitmentService.class);
    private static final List<String> SYNTAXES = List.of(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
        TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN);

    private final ArchiveIndex index;
    private final Executor executor;
    private final AtomicInteger sameAssociation = new AtomicInteger();
    private final AtomicInteger newAssociation = new AtomicInteger();
    private final AtomicInteger undelivered = new AtomicInteger();

    /**
     * @param index the archive whose instances are committed.
     */
    public StorageCommitmentService(final ArchiveIndex index)
    {
        this(index, defaultExecutor());
    }

    /**
     * @param index    the archive whose instances are committed.
     * @param executor runs the checks and the deliveries on new associations; never the I/O thread.
     */
    public StorageCommitmentService(final ArchiveIndex index, final Executor executor)
    {
        this.index = java.util.Objects.requireNonNull(index, "index");
        this.executor = java.util.Objects.requireNonNull(executor, "executor");
    }

    private static Executor defaultExecutor()
    {
        final AtomicInteger threads = new AtomicInteger();
        final ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), task ->
            {
                final Thread thread = new Thread(task, "dimse4j-stgcmt-" + threads.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    @Override
    public NResponse nAction(final NSession session, final String sopClass, final String sopInstance,
        final int actionTypeId, final DataSet actionInformation)
    {
        if (!Uid.STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE.equals(sopInstance))
        {
            return NResponse.of(Status.NO_SUCH_SOP_INSTANCE, "commitment is requested of instance " +
                Uid.STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE);
        }
        if (actionTypeId != StorageCommitment.ACTION_REQUEST)
        {
            return NResponse.of(Status.NO_SUCH_ACTION_TYPE, "action type " + actionTypeId);
        }
        final String transactionUid = actionInformation == null ? null :
            actionInformation.string(Tag.TRANSACTION_UID);
        if (!Uids.isValid(transactionUid))
        {
            return NResponse.of(Status.INVALID_ARGUMENT_VALUE, "no valid Transaction UID");
        }
        final List<DataSet> items = actionInformation.sequence(Tag.REFERENCED_SOP_SEQUENCE);
        if (items == null || items.isEmpty())
        {
            return NResponse.of(Status.INVALID_ARGUMENT_VALUE, "no Referenced SOP Sequence items");
        }
        final List<StorageCommitment.Reference> references = new ArrayList<>(items.size());
        for (final DataSet item : items)
        {
            final StorageCommitment.Reference reference = StorageCommitment.reference(item);
            if (reference.sopClassUid() == null || reference.sopInstanceUid() == null)
            {
                return NResponse.of(Status.INVALID_ARGUMENT_VALUE, "a Referenced SOP Sequence item lacks a UID");
            }
            references.add(reference);
        }
        LOG.info("{}: commitment of {} instances requested by {} (transaction {})", session.name(),
            references.size(), session.callingAeTitle(), transactionUid);
        executor.execute(() -> report(session, check(transactionUid, references, session.applicationEntity()
            .aeTitle())));
        return NResponse.success();
    }

    /**
     * Checks instances against the index.
     *
     * @param transactionUid  the Transaction UID.
     * @param references      the instances.
     * @param retrieveAeTitle our AE title, reported as Retrieve AE Title.
     * @return the result.
     */
    public StorageCommitment.Result check(final String transactionUid,
        final List<StorageCommitment.Reference> references, final String retrieveAeTitle)
    {
        final List<StorageCommitment.Reference> committed = new ArrayList<>();
        final List<StorageCommitment.Failure> failed = new ArrayList<>();
        for (final StorageCommitment.Reference reference : references)
        {
            final ArchiveIndex.Entry entry = index.entry(reference.sopInstanceUid());
            if (entry == null)
            {
                failed.add(new StorageCommitment.Failure(reference, StorageCommitment.REASON_NO_SUCH_OBJECT_INSTANCE));
            }
            else if (!reference.sopClassUid().equals(entry.attributes().string(Tag.SOP_CLASS_UID)))
            {
                failed.add(new StorageCommitment.Failure(reference, StorageCommitment.REASON_CLASS_INSTANCE_CONFLICT));
            }
            else
            {
                committed.add(reference);
            }
        }
        return new StorageCommitment.Result(transactionUid, failed.isEmpty() ? StorageCommitment.EVENT_SUCCESSFUL :
            StorageCommitment.EVENT_FAILURES_EXIST, retrieveAeTitle, List.copyOf(committed), List.copyOf(failed));
    }

    private void report(final NSession session, final StorageCommitment.Result result)
    {
        final ApplicationEntity ae = session.applicationEntity();
        final String requestor = session.callingAeTitle();
        final Runnable viaNewAssociation = () -> executor.execute(() -> deliver(ae, requestor, result));
        if (session.sendEventReport(Uid.STORAGE_COMMITMENT_PUSH_MODEL, Uid.STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE,
            result.eventTypeId(), result.toEventInformation(), () ->
            {
                sameAssociation.decrementAndGet();
                viaNewAssociation.run();
            }))
        {
            sameAssociation.incrementAndGet();
            return;
        }
        viaNewAssociation.run();
    }

    private void deliver(final ApplicationEntity ae, final String requestor, final StorageCommitment.Result result)
    {
        final RemoteAe peer = ae.remoteAes().lookup(requestor);
        if (peer == null)
        {
            undelivered.incrementAndGet();
            LOG.warn("commitment result of transaction {} not delivered: the requestor {} is not in the AE table " +
                "and its association has ended", result.transactionUid(), requestor);
            return;
        }
        try (ClientAssociation association = ae.connect(peer.host(), peer.port(), peer.aeTitle(),
            List.of(new ContextRequest(Uid.STORAGE_COMMITMENT_PUSH_MODEL, SYNTAXES, Boolean.FALSE, true)), null))
        {
            final NResponse response = association.nEventReport(Uid.STORAGE_COMMITMENT_PUSH_MODEL,
                Uid.STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE, result.eventTypeId(), result.toEventInformation());
            if (!response.isPerformed())
            {
                LOG.warn("{} answered the commitment result of transaction {} with 0x{}", requestor,
                    result.transactionUid(), Integer.toHexString(response.status()));
            }
            newAssociation.incrementAndGet();
        }
        catch (final IOException | RuntimeException ex)
        {
            undelivered.incrementAndGet();
            LOG.warn("commitment result of transaction {} not delivered to {} at {}:{}: {}", result.transactionUid(),
                requestor, peer.host(), peer.port(), ex.getMessage());
        }
    }

    /** @return results sent (queued, not undone) on the requesting association. */
    public int sameAssociationCount()
    {
        return sameAssociation.get();
    }

    /** @return results delivered on a new association to the requestor. */
    public int newAssociationCount()
    {
        return newAssociation.get();
    }

    /** @return results that could not be delivered (requestor unknown, unreachable, or refusing). */
    public int undeliveredCount()
    {
        return undelivered.get();
    }
}
