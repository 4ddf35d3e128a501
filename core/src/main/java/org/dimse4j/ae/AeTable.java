package org.dimse4j.ae;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The peers an AE knows by title: where C-MOVE sub-operations and Storage Commitment results are sent.
 * Immutable; built in code or read from a text file with one peer per line, {@code AETITLE HOST PORT}
 * (blank lines and lines starting with {@code #} are ignored), as DCMTK's and dcm4che's tools configure theirs.
 */
public final class AeTable
{
    private static final AeTable EMPTY = new AeTable(Map.of());

    private final Map<String, RemoteAe> byTitle;

    private AeTable(final Map<String, RemoteAe> byTitle)
    {
        this.byTitle = byTitle;
    }

    /** @return a table that knows no peer. */
    public static AeTable empty()
    {
        return EMPTY;
    }

    /**
     * @param peers the peers; a later one replaces an earlier one with the same title.
     * @return a table of them.
     */
    public static AeTable of(final RemoteAe... peers)
    {
        final Map<String, RemoteAe> map = new LinkedHashMap<>();
        for (final RemoteAe peer : peers)
        {
            map.put(peer.aeTitle(), peer);
        }
        return new AeTable(Collections.unmodifiableMap(map));
    }

    /**
     * @param file lines of {@code AETITLE HOST PORT}.
     * @return the table.
     * @throws IOException              if the file cannot be read.
     * @throws IllegalArgumentException naming the file and line of a malformed entry.
     */
    public static AeTable read(final Path file) throws IOException
    {
        final Map<String, RemoteAe> map = new LinkedHashMap<>();
        int lineNumber = 0;
        for (final String raw : Files.readAllLines(file, StandardCharsets.UTF_8))
        {
            lineNumber++;
            final String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            final String[] fields = line.split("\\s+");
            try
            {
                if (fields.length != 3)
                {
                    throw new IllegalArgumentException("expected AETITLE HOST PORT");
                }
                final RemoteAe peer = new RemoteAe(fields[0], fields[1], Integer.parseInt(fields[2]));
                map.put(peer.aeTitle(), peer);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException(file + ":" + lineNumber + ": " + ex.getMessage() + ": " + raw, ex);
            }
        }
        return new AeTable(Collections.unmodifiableMap(map));
    }

    /**
     * @param peer one more peer (replacing one with the same title).
     * @return a new table with it.
     */
    public AeTable with(final RemoteAe peer)
    {
        final Map<String, RemoteAe> map = new LinkedHashMap<>(byTitle);
        map.put(peer.aeTitle(), peer);
        return new AeTable(Collections.unmodifiableMap(map));
    }

    /**
     * @param aeTitle an AE title as received (trailing spaces already trimmed).
     * @return the peer, or null if unknown.
     */
    public RemoteAe lookup(final String aeTitle)
    {
        return aeTitle == null ? null : byTitle.get(aeTitle.strip());
    }

    /** @return every peer, in the order added. */
    public Collection<RemoteAe> peers()
    {
        return byTitle.values();
    }
}
