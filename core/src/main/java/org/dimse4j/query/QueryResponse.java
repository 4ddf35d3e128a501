package org.dimse4j.query;

import java.util.List;

import org.dimse4j.data.DataSet;
import org.dimse4j.data.ElementDictionary;
import org.dimse4j.data.Tag;
import org.dimse4j.data.ValueRepresentation;

/**
 * Builds the identifier of a C-FIND pending response (PS3.4 C.4.1.1.3.2) for a candidate that matched.
 * <p>
 * The response holds every key of the request and nothing else (C.2.2.2.3: a key "provides a mechanism to request
 * the selected Attribute Value be returned"):
 * <ul>
 *     <li>a key the candidate holds: the candidate's VR and value bytes (all its values, C.2.2.3);</li>
 *     <li>a key the candidate lacks: the key's tag with a zero-length value (its VR, or the dictionary's when the
 *     key is UN);</li>
 *     <li>a sequence key (C.2.2.2.6): with no item, or only an empty item, the candidate's whole sequence; else
 *     the candidate's items that match the key item, each reduced to the key item's attributes by these same
 *     rules; an empty sequence when the candidate has none;</li>
 *     <li>Query/Retrieve Level (0008,0052): echoed from the request (C.4.1.1.3.2);</li>
 *     <li>Specific Character Set (0008,0005): the candidate's, as the values are copied from it byte for byte;
 *     else the request's when it has one;</li>
 *     <li>group lengths (gggg,0000) are left out.</li>
 * </ul>
 * Attributes the SCP must add for its information model (e.g. Retrieve AE Title (0008,0054), Instance Availability
 * (0008,0056)) or the unique keys of higher levels are the caller's to add: this class only mirrors the request.
 */
public final class QueryResponse
{
    private QueryResponse()
    {
    }

    /**
     * Response identifier with {@link MatchOptions#DEFAULT} for choosing the items of sequence keys.
     *
     * @param identifier the request identifier.
     * @param candidate  the matching entity.
     * @return a new data set.
     */
    public static DataSet responseFor(final DataSet identifier, final DataSet candidate)
    {
        return responseFor(identifier, candidate, MatchOptions.DEFAULT);
    }

    /**
     * @param identifier the request identifier.
     * @param candidate  the matching entity.
     * @param options    the options the match was made with, to choose the matching items of sequence keys.
     * @return a new data set, by the rules of the class comment.
     */
    public static DataSet responseFor(final DataSet identifier, final DataSet candidate, final MatchOptions options)
    {
        final DataSet response = new DataSet();
        final byte[] charset = candidate.contains(Tag.SPECIFIC_CHARACTER_SET) ?
            candidate.bytes(Tag.SPECIFIC_CHARACTER_SET) : identifier.bytes(Tag.SPECIFIC_CHARACTER_SET);
        if (null != charset)
        {
            response.put(Tag.SPECIFIC_CHARACTER_SET, ValueRepresentation.CS, charset.clone());
        }
        if (identifier.contains(Tag.QUERY_RETRIEVE_LEVEL))
        {
            response.put(Tag.QUERY_RETRIEVE_LEVEL, ValueRepresentation.CS,
                identifier.bytes(Tag.QUERY_RETRIEVE_LEVEL).clone());
        }
        project(identifier, candidate, response, options, true);
        return response;
    }

    private static void project(final DataSet keys, final DataSet candidate, final DataSet into,
        final MatchOptions options, final boolean top)
    {
        for (int i = 0; i < keys.size(); i++)
        {
            final int tag = keys.tagAt(i);
            if ((tag & 0xFFFF) == 0 ||
                (top && (tag == Tag.SPECIFIC_CHARACTER_SET || tag == Tag.QUERY_RETRIEVE_LEVEL)))
            {
                continue;
            }
            final int vr = keys.vrAt(i);
            final int candidateVr = candidate.vr(tag);
            if (vr == ValueRepresentation.SQ)
            {
                projectSequence(keys.sequence(tag), candidate.sequence(tag), tag, into, options);
            }
            else if (candidateVr != DataSet.ABSENT && candidateVr != ValueRepresentation.SQ)
            {
                into.put(tag, candidateVr, candidate.bytes(tag).clone());
            }
            else if (candidateVr == ValueRepresentation.SQ && vr == ValueRepresentation.UN)
            {
                projectSequence(List.of(), candidate.sequence(tag), tag, into, options);
            }
            else
            {
                final int dictionaryVr = ElementDictionary.vr(tag);
                if (vr == ValueRepresentation.UN && dictionaryVr == ValueRepresentation.SQ)
                {
                    into.putSequence(tag);
                }
                else
                {
                    into.put(tag, vr == ValueRepresentation.UN ? dictionaryVr : vr, null);
                }
            }
        }
    }

    private static void projectSequence(final List<DataSet> keyItems, final List<DataSet> items, final int tag,
        final DataSet into, final MatchOptions options)
    {
        into.putSequence(tag);
        if (null == items)
        {
            return;
        }
        final boolean whole = keyItems.isEmpty() || (keyItems.size() == 1 && keyItems.get(0).size() == 0);
        for (final DataSet item : items)
        {
            if (whole)
            {
                into.addItemCopy(tag, item);
                continue;
            }
            for (final DataSet keyItem : keyItems)
            {
                if (QueryMatcher.matches(keyItem, item, options))
                {
                    project(keyItem, item, into.addItem(tag), options, false);
                    break;
                }
            }
        }
    }
}
