package org.dimse4j.archive;

import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Empty temporary files in {@code .incoming/}, created and opened ahead of need by one background thread, so that
 * creating a file (the dearest system call of a stored instance: 0.3-0.7 ms on a fresh ext4 here, against tens of
 * microseconds for writing 4 KiB and renaming) no longer runs on the I/O thread between receiving a C-STORE-RQ and
 * its data set.
 * <p>
 * {@link #poll()} never blocks: when the pool is empty the caller creates the file itself. The filler tops the pool
 * up when it falls to half, then parks; an idle server costs nothing. Files still in the pool at {@link #close()} are
 * deleted, and any left by a crash are removed when the next {@link DirectoryStore} starts (they are {@code *.part}
 * files like every unfinished instance).
 * <p>
 * The files go round eight directories ({@code .incoming/ahead-0/} to {@code ahead-7/}), one file each, so the
 * filler seldom creates in the directory of the file being taken: a create holds its directory's lock while the file
 * system looks for a free inode (on ext4 after many deletes, most of a millisecond of CPU), and the rename that stores
 * an instance takes the lock of the directory it leaves. Profiled on such an ext4, the I/O thread's renames spent 26%
 * of its time waiting for that lock with one directory, 14% with three, 5% with eight.
 */
final class TempFilePool implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(TempFilePool.class);
    private static final int DIRECTORIES = 8;
    private static final long RETRY_AFTER_FAILURE_NS = TimeUnit.MILLISECONDS.toNanos(200);

    /** An empty file, open for writing. */
    record TempFile(Path path, FileChannel channel)
    {
    }

    private final Path directory;
    private final Path[] directories;
    private final int capacity;
    private final int lowWater;
    private final ManyToManyConcurrentArrayQueue<TempFile> ready;
    private final AtomicLong sequence = new AtomicLong();
    private final Thread filler;
    private volatile boolean running = true;

    /**
     * Starts the filler thread.
     *
     * @param directory where the files go, in subdirectories of it (it exists).
     * @param capacity  files kept ready, at least 2.
     * @throws IOException if the subdirectories cannot be made.
     */
    TempFilePool(final Path directory, final int capacity) throws IOException
    {
        if (capacity < 2)
        {
            throw new IllegalArgumentException("a temporary file pool needs at least 2 files, not " + capacity);
        }
        this.directory = directory;
        this.directories = new Path[DIRECTORIES];
        for (int i = 0; i < DIRECTORIES; i++)
        {
            directories[i] = Files.createDirectories(directory.resolve("ahead-" + i));
        }
        this.capacity = capacity;
        this.lowWater = capacity / 2;
        this.ready = new ManyToManyConcurrentArrayQueue<>(capacity);
        this.filler = new Thread(this::fill, "dimse4j-tempfiles");
        filler.setDaemon(true);
        filler.start();
    }

    /**
     * @return a ready file, or null when none is ready (create one yourself).
     */
    TempFile poll()
    {
        final TempFile file = ready.poll();
        if (ready.size() <= lowWater)
        {
            LockSupport.unpark(filler);
        }
        return file;
    }

    /** @return files ready now. */
    int readyCount()
    {
        return ready.size();
    }

    private void fill()
    {
        boolean failing = false;
        while (running)
        {
            if (ready.size() >= capacity)
            {
                LockSupport.park(this);
                continue;
            }
            final TempFile file;
            try
            {
                file = create();
            }
            catch (final IOException | RuntimeException ex)
            {
                if (!failing)
                {
                    LOG.warn("cannot create temporary files ahead in {} (instances create their own): {}",
                        directory, ex.toString());
                    failing = true;
                }
                LockSupport.parkNanos(this, RETRY_AFTER_FAILURE_NS);
                continue;
            }
            if (failing)
            {
                LOG.info("creating temporary files ahead in {} again", directory);
                failing = false;
            }
            if (!running || !ready.offer(file))
            {
                discard(file);
            }
            // waking the filler while it ran: the permit makes the next park return at once, nothing is lost
        }
        drain();
    }

    private TempFile create() throws IOException
    {
        while (true)
        {
            final long n = sequence.incrementAndGet();
            final Path path = directories[(int)(n % directories.length)].resolve(n + ".part");
            try
            {
                return new TempFile(path, FileChannel.open(path, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE));
            }
            catch (final FileAlreadyExistsException ex)
            {
                // another process's file of the same name: take the next number
            }
        }
    }

    private void drain()
    {
        TempFile file;
        while ((file = ready.poll()) != null)
        {
            discard(file);
        }
    }

    private static void discard(final TempFile file)
    {
        try
        {
            file.channel().close();
            Files.deleteIfExists(file.path());
        }
        catch (final IOException ex)
        {
            LOG.warn("cannot remove temporary file {}: {}", file.path(), ex.toString());
        }
    }

    /** Stops the filler and deletes the files it made that were not taken. */
    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(filler);
        try
        {
            filler.join(TimeUnit.SECONDS.toMillis(10));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        drain(); // whatever the filler left if it was still creating when the wait ended
        for (final Path subdirectory : directories)
        {
            try
            {
                Files.deleteIfExists(subdirectory);
            }
            catch (final IOException ex)
            {
                LOG.debug("keeping {}: {}", subdirectory, ex.toString()); // not empty: a file still being written
            }
        }
    }
}
