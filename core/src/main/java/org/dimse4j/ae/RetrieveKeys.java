package org.dimse4j.ae;

import org.dimse4j.archive.ArchiveIndex;
import org.dimse4j.archive.ArchiveIndex.Level;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.ElementDictionary;
import org.dimse4j.data.Tag;
import org.dimse4j.query.MatchOptions;

import java.util.ArrayList;
import java.util.List;

/**
 * The identifier rules of a C-GET or C-MOVE (PS3.4 C.4.2.2.1, C.4.3.2.1), shared by {@link GetService} and
 * {@link MoveService}: the level must be in the model, the unique keys of the model's top level down to the
 * requested level must have values (no wildcards; a UID list matches any of its UIDs), and the instances to retrieve
 * are those whose unique keys match them.
 */
final class RetrieveKeys
{
    private RetrieveKeys()
    {
    }

    /**
     * @param identifier  the request's identifier.
     * @param level       its Query/Retrieve Level, or null if missing or unknown.
     * @param patientRoot Patient Root (else Study Root) model.
     * @return why the identifier is refused, or null if it is fine.
     */
    static String validate(final DataSet identifier, final Level level, final boolean patientRoot)
    {
        if (level == null)
        {
            return "Query/Retrieve Level missing or not PATIENT, STUDY, SERIES or IMAGE";
        }
        if (level == Level.PATIENT && !patientRoot)
        {
            return "PATIENT level is not in the Study Root model";
        }
        final Level top = patientRoot ? Level.PATIENT : Level.STUDY;
        for (int l = top.ordinal(); l <= level.ordinal(); l++)
        {
            final int key = Level.values()[l].uniqueKey();
            final String value = identifier.string(key);
            if (value == null || value.isEmpty() || value.contains("*") || value.contains("?"))
            {
                return "level " + level + " needs a value for the unique key " + ElementDictionary.keyword(key);
            }
        }
        return null;
    }

    /**
     * @param index       the archive index.
     * @param identifier  a valid identifier ({@link #validate}).
     * @param level       its level.
     * @param patientRoot Patient Root (else Study Root) model.
     * @return the matching instances that are in the index, in index order.
     */
    static List<ArchiveIndex.Entry> match(final ArchiveIndex index, final DataSet identifier, final Level level,
        final boolean patientRoot)
    {
        final DataSet keys = new DataSet();
        final Level top = patientRoot ? Level.PATIENT : Level.STUDY;
        for (int l = top.ordinal(); l <= level.ordinal(); l++)
        {
            final int key = Level.values()[l].uniqueKey();
            final String value = identifier.string(key);
            if (value != null && !value.isEmpty())
            {
                keys.putString(key, value);
            }
        }
        final List<DataSet> matches = index.find(Level.IMAGE, keys, MatchOptions.DEFAULT);
        final List<ArchiveIndex.Entry> entries = new ArrayList<>(matches.size());
        for (final DataSet match : matches)
        {
            final ArchiveIndex.Entry entry = index.entry(match.string(Tag.SOP_INSTANCE_UID));
            if (entry != null)
            {
                entries.add(entry);
            }
        }
        return entries;
    }
}
