package org.dimse4j.ae;

import org.dimse4j.archive.ArchiveIndex;
import org.dimse4j.data.Part10Info;
import org.dimse4j.data.Part10Reader;
import org.dimse4j.dimse.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The C-STORE sub-operations of one C-MOVE, run on a worker thread (never on an I/O thread, since opening an
 * association and waiting for C-STORE-RSPs block): opens an association to the Move Destination, proposing one
 * presentation context per SOP class and transfer syntax of the files to send (at most 128; nothing is transcoded),
 * sends the files with {@link ClientAssociation#storeAll} (within the negotiated asynchronous operations window) as
 * sub-operations of the C-MOVE ({@link ClientAssociation#moveOriginator}), then releases it.
 * <p>
 * Its progress passes to the I/O thread through this object: {@link #version()} changes after each sub-operation and
 * at the end, {@link #progress()} is a consistent snapshot. The I/O thread asks it to stop with {@link #cancel()}
 * (honoured between sub-operations, or batches of as many as the window allows; the association is released) or
 * {@link #abort()} (the originating association ended: the worker is interrupted, the sub-association aborted).
 * <p>
 * An instance that cannot be read, or whose SOP class and transfer syntax would need a 129th context, counts as a
 * failed sub-operation; a destination that cannot be reached or rejects the association fails all of them; an
 * association that ends mid-way fails those whose C-STORE-RSP did not come.
 */
final class MoveSubOperations implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(MoveSubOperations.class);

    /** Most presentation contexts in an A-ASSOCIATE-RQ. */
    private static final int MAX_CONTEXTS = 128;

    /** A consistent view of the counters. */
    record Progress(int completed, int failed, int warning, int remaining, boolean finished, boolean cancelled,
        List<String> failedUids)
    {
    }

    private final ApplicationEntity ae;
    private final RemoteAe destination;
    private final List<ArchiveIndex.Entry> entries;
    private final String originatorAeTitle;
    private final int originatorMessageId;
    private final int priority;
    private final String name;

    private final Object lock = new Object();
    private volatile boolean cancelRequested;
    private volatile boolean aborted;
    private volatile int version;
    private Thread worker;

    // guarded by lock
    private int completed;
    private int failed;
    private int warning;
    private final List<String> failedUids = new ArrayList<>();
    private boolean finished;
    private boolean cancelled;

    /**
     * @param ae                  our AE: its title calls the destination, its settings and DIMSE timeout apply.
     * @param destination         where the instances go.
     * @param entries             the instances.
     * @param originatorAeTitle   calling AE title of the C-MOVE-RQ's association.
     * @param originatorMessageId the C-MOVE-RQ's Message ID.
     * @param priority            the C-MOVE-RQ's Priority.
     * @param name                the originating association's name, for log lines.
     */
    MoveSubOperations(final ApplicationEntity ae, final RemoteAe destination, final List<ArchiveIndex.Entry> entries,
        final String originatorAeTitle, final int originatorMessageId, final int priority, final String name)
    {
        this.ae = ae;
        this.destination = destination;
        this.entries = List.copyOf(entries);
        this.originatorAeTitle = originatorAeTitle;
        this.originatorMessageId = originatorMessageId;
        this.priority = priority;
        this.name = name;
    }

    /** @return a number that changes whenever the progress does. */
    int version()
    {
        return version;
    }

    /** @return the counters now. */
    Progress progress()
    {
        synchronized (lock)
        {
            return new Progress(completed, failed, warning, entries.size() - completed - failed - warning, finished,
                cancelled, List.copyOf(failedUids));
        }
    }

    /** Stops before the next sub-operation; the sub-association is released. Any thread. */
    void cancel()
    {
        cancelRequested = true;
    }

    /** Stops at once: interrupts the worker, whose sub-association is aborted. Any thread. */
    void abort()
    {
        aborted = true;
        synchronized (lock)
        {
            if (worker != null)
            {
                worker.interrupt();
            }
        }
    }

    @Override
    public void run()
    {
        synchronized (lock)
        {
            if (aborted)
            {
                finished = true;
                return;
            }
            worker = Thread.currentThread();
        }
        try
        {
            sendAll();
        }
        catch (final RuntimeException ex)
        {
            LOG.error("{}: C-MOVE sub-operations to {} failed", name, destination.aeTitle(), ex);
        }
        finally
        {
            synchronized (lock)
            {
                worker = null;
                Thread.interrupted(); // an abort() that came late must not reach the pool's next task
                finished = true;
            }
            version++;
        }
    }

    private void sendAll()
    {
        final Map<Path, String> uidByFile = new LinkedHashMap<>();
        final Map<String, ContextRequest> contexts = new LinkedHashMap<>();
        for (final ArchiveIndex.Entry entry : entries)
        {
            final String uid = entry.sopInstanceUid();
            if (entry.path() == null)
            {
                failed(uid, "no file");
                continue;
            }
            final Part10Info info;
            try
            {
                info = Part10Reader.read(entry.path());
            }
            catch (final IOException | RuntimeException ex)
            {
                failed(uid, "cannot read " + entry.path() + ": " + ex.getMessage());
                continue;
            }
            final String sopClass = info.mediaStorageSopClassUid();
            if (sopClass == null)
            {
                failed(uid, entry.path() + " has no Media Storage SOP Class UID");
                continue;
            }
            final String key = sopClass + ' ' + info.transferSyntaxUid();
            if (!contexts.containsKey(key))
            {
                if (contexts.size() == MAX_CONTEXTS)
                {
                    failed(uid, "more than " + MAX_CONTEXTS + " SOP class and transfer syntax pairs in one C-MOVE");
                    continue;
                }
                contexts.put(key, ContextRequest.of(sopClass, List.of(info.transferSyntaxUid())));
            }
            uidByFile.put(entry.path(), uid);
        }
        if (uidByFile.isEmpty() || aborted)
        {
            return;
        }
        final ClientAssociation sub;
        try
        {
            sub = ae.connect(destination.host(), destination.port(), destination.aeTitle(),
                List.copyOf(contexts.values()), null);
        }
        catch (final IOException ex)
        {
            if (!aborted)
            {
                LOG.warn("{}: C-MOVE destination {} at {}:{} not reached ({}); its {} sub-operations failed", name,
                    destination.aeTitle(), destination.host(), destination.port(), ex.getMessage(), uidByFile.size());
                for (final String uid : uidByFile.values())
                {
                    failed(uid, null);
                }
            }
            return;
        }
        LOG.debug("{}: C-MOVE sub-association to {} at {}:{} established: {}", name, destination.aeTitle(),
            destination.host(), destination.port(), sub.association().name());
        try (sub)
        {
            store(sub, uidByFile);
        }
    }

    private void store(final ClientAssociation sub, final Map<Path, String> uidByFile)
    {
        sub.moveOriginator(originatorAeTitle, originatorMessageId, priority);
        final List<Path> files = List.copyOf(uidByFile.keySet());
        final Set<Path> answered = new HashSet<>();
        final int batch = Math.min(sub.window(), 64);
        int next = 0;
        try
        {
            while (next < files.size())
            {
                if (aborted)
                {
                    sub.abort();
                    return;
                }
                if (cancelRequested)
                {
                    LOG.info("{}: C-MOVE to {} cancelled with {} of {} sub-operations begun", name,
                        destination.aeTitle(), next, files.size());
                    synchronized (lock)
                    {
                        cancelled = true;
                    }
                    return;
                }
                final List<Path> some = files.subList(next, Math.min(files.size(), next + batch));
                next += some.size();
                sub.storeAll(some, (file, status, error) ->
                {
                    answered.add(file);
                    final String uid = uidByFile.get(file);
                    if (error != null)
                    {
                        failed(uid, error.getMessage());
                    }
                    else if (Status.isSuccess(status) || Status.isWarning(status))
                    {
                        succeeded(Status.isWarning(status));
                    }
                    else
                    {
                        failed(uid, "C-STORE-RSP status 0x" + Integer.toHexString(status));
                    }
                });
            }
        }
        catch (final IOException ex)
        {
            if (aborted)
            {
                return;
            }
            LOG.warn("{}: C-MOVE sub-association to {} ended ({}); sub-operations without a response failed", name,
                destination.aeTitle(), ex.getMessage());
            for (final Path file : files)
            {
                if (!answered.contains(file))
                {
                    failed(uidByFile.get(file), null);
                }
            }
        }
    }

    private void succeeded(final boolean withWarning)
    {
        synchronized (lock)
        {
            if (withWarning)
            {
                warning++;
            }
            else
            {
                completed++;
            }
        }
        version++;
    }

    private void failed(final String uid, final String why)
    {
        if (why != null)
        {
            LOG.info("{}: C-MOVE sub-operation for {} to {} failed: {}", name, uid, destination.aeTitle(), why);
        }
        synchronized (lock)
        {
            failed++;
            failedUids.add(uid);
        }
        version++;
    }
}
