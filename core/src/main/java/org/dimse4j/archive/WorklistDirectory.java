package org.dimse4j.archive;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.DataSetException;
import org.dimse4j.data.DataSetReader;
import org.dimse4j.data.Part10Reader;
import org.dimse4j.data.Tag;
import org.dimse4j.query.MatchOptions;
import org.dimse4j.query.QueryMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Modality Worklist items (PS3.4 Annex K) kept as files in one directory, as DCMTK's wlmscpfs keeps its
 * {@code *.wl} files: each regular file directly in the directory is one item. Subdirectories, files whose name
 * starts with '.' and wlmscpfs's {@code lockfile} are ignored.
 * <p>
 * A file is either a DICOM Part 10 file (preamble and "DICM", or a meta group without preamble; the data set in the
 * transfer syntax of its meta group, which must be Implicit or Explicit VR Little Endian) or a raw data set in
 * Little Endian, Explicit VR when its first element header carries a VR, Implicit VR otherwise. An item without
 * Scheduled Procedure Step Sequence (0040,0100), or a file that cannot be parsed, is skipped with a warning (once
 * per version of the file).
 * <p>
 * <b>Rescanning.</b> Every {@link #items()} (every query) lists the directory and compares each file's modification
 * time and size with those of the version it parsed; only new and changed files are parsed again, removed files
 * are dropped. The cost of an unchanged worklist is one directory listing plus one {@code stat} per file: cheap
 * for worklists of a few thousand items. A file rewritten within the file system's timestamp granularity keeping
 * its size is not noticed until its next change: write a new file and rename it over the old one, as wlmscpfs
 * users do.
 * <p>
 * Thread-safe: queries from several event loops are serialised on this object. The items handed out are shared
 * and must not be modified.
 */
public final class WorklistDirectory
{
    private static final Logger LOG = LoggerFactory.getLogger(WorklistDirectory.class);

    /** Largest file read as a worklist item; a larger one is skipped. */
    public static final long MAX_ITEM_FILE_LENGTH = 16L << 20;

    private final Path directory;
    private final Map<Path, Entry> entries = new HashMap<>();
    private List<DataSet> items = List.of();

    private record Entry(long modified, long size, DataSet item)
    {
    }

    /**
     * @param directory the worklist directory; it must exist.
     * @throws IOException if it is not a readable directory.
     */
    public WorklistDirectory(final Path directory) throws IOException
    {
        this.directory = directory.toAbsolutePath().normalize();
        if (!Files.isDirectory(this.directory))
        {
            throw new IOException("worklist directory " + this.directory + " does not exist");
        }
        items();
    }

    /** @return the directory. */
    public Path directory()
    {
        return directory;
    }

    /**
     * The current worklist items, rescanning the directory first (see the class comment).
     *
     * @return the items, in file name order; shared, not to be modified.
     * @throws IOException if the directory cannot be listed.
     */
    public synchronized List<DataSet> items() throws IOException
    {
        final TreeMap<Path, BasicFileAttributes> present = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory))
        {
            for (final Path file : files)
            {
                final String name = file.getFileName().toString();
                if (name.startsWith(".") || name.equals("lockfile"))
                {
                    continue;
                }
                final BasicFileAttributes attributes;
                try
                {
                    attributes = Files.readAttributes(file, BasicFileAttributes.class);
                }
                catch (final IOException ex)
                {
                    continue; // removed while listing
                }
                if (attributes.isRegularFile())
                {
                    present.put(file, attributes);
                }
            }
        }
        boolean changed = entries.keySet().retainAll(present.keySet());
        for (final Map.Entry<Path, BasicFileAttributes> e : present.entrySet())
        {
            final long modified = e.getValue().lastModifiedTime().toMillis();
            final long size = e.getValue().size();
            final Entry known = entries.get(e.getKey());
            if (known == null || known.modified != modified || known.size != size)
            {
                entries.put(e.getKey(), new Entry(modified, size, load(e.getKey(), size)));
                changed = true;
            }
        }
        if (changed)
        {
            final List<DataSet> current = new ArrayList<>(present.size());
            for (final Path file : present.keySet())
            {
                final DataSet item = entries.get(file).item;
                if (item != null)
                {
                    current.add(item);
                }
            }
            items = List.copyOf(current);
            LOG.debug("worklist {}: {} items from {} files", directory, items.size(), present.size());
        }
        return items;
    }

    /**
     * @param identifier the C-FIND identifier, keys inside Scheduled Procedure Step Sequence included.
     * @param options    matching options.
     * @return the items matching it (PS3.4 C.2.2.2, with sequence matching).
     * @throws IOException if the directory cannot be listed.
     */
    public List<DataSet> find(final DataSet identifier, final MatchOptions options) throws IOException
    {
        QueryMatcher.checkKeys(identifier);
        final List<DataSet> matches = new ArrayList<>();
        for (final DataSet item : items())
        {
            if (QueryMatcher.matches(identifier, item, options))
            {
                matches.add(item);
            }
        }
        return matches;
    }

    /**
     * Parses one worklist file.
     *
     * @param file a file.
     * @param size its length.
     * @return the item, or null if it is not a usable worklist item (logged).
     */
    static DataSet load(final Path file, final long size)
    {
        if (size > MAX_ITEM_FILE_LENGTH)
        {
            LOG.warn("worklist file {} is {} bytes, more than {}; skipped", file, size, MAX_ITEM_FILE_LENGTH);
            return null;
        }
        final DataSet item;
        try
        {
            item = parse(Files.readAllBytes(file));
        }
        catch (final IOException | DataSetException | IllegalArgumentException ex)
        {
            LOG.warn("worklist file {} skipped: {}", file, ex.getMessage());
            return null;
        }
        if (item.sequence(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE) == null)
        {
            LOG.warn("worklist file {} has no Scheduled Procedure Step Sequence (0040,0100); skipped", file);
            return null;
        }
        return item;
    }

    /**
     * @param bytes a Part 10 file or a raw Little Endian data set.
     * @return the data set.
     * @throws DataSetException if malformed or in an unsupported transfer syntax.
     */
    static DataSet parse(final byte[] bytes)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        if (isPart10(bytes))
        {
            final Part10Reader reader = new Part10Reader().wrap(buffer, 0, bytes.length);
            final int encoding = reader.encoding();
            if (encoding != DataSetReader.IMPLICIT_LITTLE && encoding != DataSetReader.EXPLICIT_LITTLE)
            {
                throw new DataSetException("transfer syntax " + reader.transferSyntaxUid() +
                    " not supported for worklist items");
            }
            final int offset = reader.dataSetOffset();
            return DataSet.read(buffer, offset, bytes.length - offset, encoding);
        }
        final boolean explicit = bytes.length >= 6 && isUpper(bytes[4]) && isUpper(bytes[5]);
        return DataSet.read(buffer, 0, bytes.length, explicit ? DataSetReader.EXPLICIT_LITTLE :
            DataSetReader.IMPLICIT_LITTLE);
    }

    private static boolean isPart10(final byte[] bytes)
    {
        if (bytes.length >= Part10Reader.META_OFFSET && bytes[128] == 'D' && bytes[129] == 'I' &&
            bytes[130] == 'C' && bytes[131] == 'M')
        {
            return true;
        }
        return bytes.length >= 6 && bytes[0] == 0x02 && bytes[1] == 0 && isUpper(bytes[4]) && isUpper(bytes[5]);
    }

    private static boolean isUpper(final byte b)
    {
        return b >= 'A' && b <= 'Z';
    }
}
