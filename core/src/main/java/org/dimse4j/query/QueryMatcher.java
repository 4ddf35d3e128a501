package org.dimse4j.query;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

import org.dimse4j.data.DataSet;
import org.dimse4j.data.Tag;
import org.dimse4j.data.ValueRepresentation;

/**
 * C-FIND attribute matching (PS3.4 C.2.2.2): does a candidate (a patient, study, series, instance or worklist item
 * of the SCP) match the keys of a request identifier? Control plane: allocates freely.
 * <p>
 * Every attribute of the identifier is a key, except those that only qualify the request and are never matched:
 * Specific Character Set (0008,0005) (C.2.2.2), Query/Retrieve Level (0008,0052), Timezone Offset From UTC
 * (0008,0201), group lengths (gggg,0000) and private attributes (odd groups), which this matcher cannot interpret.
 * The candidate matches when every key matches, by the first rule that applies:
 * <ol>
 *     <li><b>Universal Matching</b> (C.2.2.2.3): a zero-length key matches everything, whether or not the candidate
 *     holds the attribute. So does {@code *} for the VRs that allow wild cards (C.2.2.2.4: "Wild Card Matching on a
 *     value of "*" is equivalent to Universal Matching"), and a sequence key with no item, or whose items hold
 *     only universal keys (C.2.2.2.6; the items then only say what to return).</li>
 *     <li><b>Absent attribute</b>: a candidate that lacks the attribute of a non-universal key does not match, as
 *     for a whole data set such as a worklist item (PS3.4 K.2.2.1.1.1: an unknown value fails to match), unless
 *     the caller says that the SCP holds the attribute for every candidate
 *     ({@link #matches(DataSet, DataSet, MatchOptions, IntPredicate)}, e.g. an archive index): then a candidate
 *     without it has an unknown value and is matched as if it held it with a zero-length value (next rule; PS3.4
 *     C.2.2.1.2). Keys the SCP does not support at all are the caller's to leave out of the identifier (C.2.2.1.3:
 *     they are not matched, nor returned).</li>
 *     <li><b>Empty value</b>: a candidate that holds the attribute with a zero-length value (a sequence with no
 *     items) matches if {@link MatchOptions#emptyValueMatches()} (the default, after C.2.2.1.2: such a value is
 *     unknown, and matching against it succeeds), and does not otherwise.</li>
 *     <li><b>Sequence Matching</b> (C.2.2.2.6): the key's item matches if one item of the candidate's sequence
 *     matches all its keys, recursively by these same rules. The standard allows one key item; given several,
 *     each must be matched by some candidate item.</li>
 *     <li><b>Multiple values</b>: a candidate value with several values matches if any of them matches (C.2.2.3).
 *     A key with several values: for UI, List of UID Matching (C.2.2.2.2) - any UID may match; for other VRs, any
 *     key value may match, unless {@link MatchOptions#multipleValueMatching()} (C.2.2.2.8, Extended Negotiation)
 *     asks that each key value match some candidate value for AE, AS, AT, CS, LO, PN, SH and UC.</li>
 *     <li>Each key value against each candidate value, after removing padding and insignificant spaces
 *     ({@link DataSet#trim}):
 *     <ul>
 *         <li>DA, TM, DT: <b>Range Matching</b> (C.2.2.2.5) for {@code a-b}, {@code -b}, {@code a-}; a single value
 *         is matched as the range it names (exact at full precision); see {@link DateTimeMatching}. A DT without
 *         a UTC offset is in the offset of Timezone Offset From UTC (0008,0201) of its own data set, else of the
 *         other data set, else both are compared as they are. A key that is no date, time or range throws
 *         {@link IllegalArgumentException}; a candidate value that is none does not match.</li>
 *         <li>AE, CS, LO, LT, PN, SH, ST, UC, UR, UT with {@code *} or {@code ?} in the key: <b>Wild Card
 *         Matching</b> (C.2.2.2.4): {@code *} matches any sequence of characters, including none, and {@code ?}
 *         any single character (a Unicode code point). Case-sensitive, except PN when
 *         {@link MatchOptions#personNameCaseInsensitive()}. For other VRs, {@code *} and {@code ?} are literal.</li>
 *         <li>Otherwise <b>Single Value Matching</b> (C.2.2.2.1): exact and case-sensitive ("sensitive to the exact
 *         encoding of the key Attribute Value"), except PN, which C.2.2.2.1 lets the SCP match case-insensitively:
 *         we match PN literally unless {@link MatchOptions#personNameCaseInsensitive()}. IS and DS compare as
 *         numbers ({@code 007} matches {@code 7}; C.2.2.2.1 leaves this to the implementation), falling back to
 *         text when not numbers. US, SS, UL, SL, FL and FD compare as numbers; AT, OB, OW, UN and the other
 *         binary VRs byte for byte. A key held as UN is read with the candidate's VR and the reverse.</li>
 *     </ul></li>
 *     <li><b>PN</b> (PS3.5 §6.2.1): trailing component delimiters ({@code ^}) and empty trailing component groups
 *     ({@code =}) are insignificant. A key with {@code =} is matched group by group (alphabetic, ideographic,
 *     phonetic), an empty or {@code *} key group matching any; a key without {@code =} matches the whole value or
 *     any one of its component groups.</li>
 * </ol>
 * Text is compared as decoded with each data set's Specific Character Set ({@link DataSet#charset()}).
 */
public final class QueryMatcher
{
    /** No attribute is held for every candidate: an absent attribute does not match. */
    private static final IntPredicate NOT_HELD = tag -> false;

    private QueryMatcher()
    {
    }

    /**
     * Matches with {@link MatchOptions#DEFAULT}.
     *
     * @param identifier the request identifier: the keys.
     * @param candidate  the entity to test.
     * @return true if every key matches.
     * @throws IllegalArgumentException if a DA, TM or DT key is not a valid value or range.
     */
    public static boolean matches(final DataSet identifier, final DataSet candidate)
    {
        return matches(identifier, candidate, MatchOptions.DEFAULT);
    }

    /**
     * @param identifier the request identifier: the keys.
     * @param candidate  the entity to test.
     * @param options    the SCP's choices.
     * @return true if every key matches, by the rules of the class comment.
     * @throws IllegalArgumentException if a DA, TM or DT key is not a valid value or range.
     */
    public static boolean matches(final DataSet identifier, final DataSet candidate, final MatchOptions options)
    {
        return matches(identifier, candidate, options, NOT_HELD);
    }

    /**
     * Matches a candidate of which the SCP holds some attributes for every entity: an attribute it holds that the
     * candidate lacks has an unknown value, and is matched as a zero-length value (PS3.4 C.2.2.1.2: "the value is
     * considered unknown and all matching against the zero length Required Key shall be considered a successful
     * match", when {@link MatchOptions#emptyValueMatches()}). This applies to the candidate's own attributes only;
     * the items of its sequences are matched as whole data sets.
     *
     * @param identifier the request identifier: the keys.
     * @param candidate  the entity to test.
     * @param options    the SCP's choices.
     * @param held       true for the tags of the attributes held for every candidate.
     * @return true if every key matches, by the rules of the class comment.
     * @throws IllegalArgumentException if a DA, TM or DT key is not a valid value or range.
     */
    public static boolean matches(final DataSet identifier, final DataSet candidate, final MatchOptions options,
        final IntPredicate held)
    {
        final int keyOffset = DateTimeMatching.offsetMinutes(identifier.string(Tag.TIMEZONE_OFFSET_FROM_UTC),
            DateTimeMatching.offsetMinutes(candidate.string(Tag.TIMEZONE_OFFSET_FROM_UTC), 0));
        final int valueOffset = DateTimeMatching.offsetMinutes(candidate.string(Tag.TIMEZONE_OFFSET_FROM_UTC),
            keyOffset);
        return matchesItem(identifier, candidate, held, new Context(options, keyOffset, valueOffset));
    }

    /**
     * Checks the keys that {@link #matches} parses (DA, TM and DT values and ranges, in sequence items too) without
     * a candidate, so that a malformed key is refused the same way whatever the archive holds.
     *
     * @param identifier a request identifier.
     * @throws IllegalArgumentException naming the first key that is not a valid value or range.
     */
    public static void checkKeys(final DataSet identifier)
    {
        for (int i = 0; i < identifier.size(); i++)
        {
            final int tag = identifier.tagAt(i);
            final int vr = identifier.vr(tag);
            if (!isMatchingKey(tag) || isUniversal(identifier, tag))
            {
                continue;
            }
            if (vr == ValueRepresentation.SQ)
            {
                identifier.sequence(tag).forEach(QueryMatcher::checkKeys);
            }
            else if (vr == ValueRepresentation.DA || vr == ValueRepresentation.TM || vr == ValueRepresentation.DT)
            {
                for (final String key : identifier.strings(tag))
                {
                    DateTimeMatching.range(vr, key, 0);
                }
            }
        }
    }

    /**
     * @param tag a tag of the identifier.
     * @return false for the attributes that qualify a request but are never matched: (0008,0005), (0008,0052),
     *         (0008,0201), group lengths and private attributes.
     */
    public static boolean isMatchingKey(final int tag)
    {
        final int group = tag >>> 16;
        return tag != Tag.SPECIFIC_CHARACTER_SET && tag != Tag.QUERY_RETRIEVE_LEVEL &&
            tag != Tag.TIMEZONE_OFFSET_FROM_UTC && (tag & 0xFFFF) != 0 && (group & 1) == 0;
    }

    /**
     * @param identifier a request identifier.
     * @param tag        one of its keys.
     * @return true if the key asks for Universal Matching: absent from the identifier, zero length, {@code *} for a
     *         wild card VR, or a sequence whose items hold only universal keys.
     */
    public static boolean isUniversal(final DataSet identifier, final int tag)
    {
        final int vr = identifier.vr(tag);
        if (vr == DataSet.ABSENT)
        {
            return true;
        }
        if (vr == ValueRepresentation.SQ)
        {
            return universalItems(identifier.sequence(tag));
        }
        final byte[] value = identifier.bytes(tag);
        return value.length == 0 || (allowsWildCards(vr) && "*".equals(identifier.string(tag))) ||
            (DataSet.isText(vr) && identifier.string(tag).isEmpty());
    }

    /**
     * @param vr a VR.
     * @return true for the VRs of Wild Card Matching (C.2.2.2.4): AE, CS, LO, LT, PN, SH, ST, UC, UR and UT.
     */
    public static boolean allowsWildCards(final int vr)
    {
        return vr == ValueRepresentation.AE || vr == ValueRepresentation.CS || vr == ValueRepresentation.LO ||
            vr == ValueRepresentation.LT || vr == ValueRepresentation.PN || vr == ValueRepresentation.SH ||
            vr == ValueRepresentation.ST || vr == ValueRepresentation.UC || vr == ValueRepresentation.UR ||
            vr == ValueRepresentation.UT;
    }

    /**
     * Matches one key value against one candidate value of a text or numeric VR, with the rules of the class
     * comment (range, wild card, PN, numeric or exact); DT values without an offset are taken as UTC.
     *
     * @param vr        the VR.
     * @param key       one key value, trimmed.
     * @param value     one candidate value, trimmed.
     * @param options   the SCP's choices.
     * @return true if they match.
     * @throws IllegalArgumentException if a DA, TM or DT key is not a valid value or range.
     */
    public static boolean matchesValue(final int vr, final String key, final String value,
        final MatchOptions options)
    {
        return matchesValue(vr, key, value, new Context(options, 0, 0));
    }

    // ------------------------------------------------------------------------------------------------ internals

    /** The options and the DT offsets of one top-level match, carried into items. */
    private record Context(MatchOptions options, int keyOffset, int valueOffset)
    {
    }

    private static boolean matchesItem(final DataSet keys, final DataSet candidate, final IntPredicate held,
        final Context context)
    {
        for (int i = 0; i < keys.size(); i++)
        {
            final int tag = keys.tagAt(i);
            if (isMatchingKey(tag) && !isUniversal(keys, tag) && !matchesKey(keys, tag, candidate, held, context))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean matchesKey(final DataSet keys, final int tag, final DataSet candidate,
        final IntPredicate held, final Context context)
    {
        final int candidateVr = candidate.vr(tag);
        if (candidateVr == DataSet.ABSENT)
        {
            return held.test(tag) && context.options().emptyValueMatches();
        }
        final int keyVr = keys.vr(tag);
        if (keyVr == ValueRepresentation.SQ || candidateVr == ValueRepresentation.SQ)
        {
            final List<DataSet> items = candidate.sequence(tag);
            if (keyVr != candidateVr)
            {
                return false;
            }
            return items.isEmpty() ? context.options().emptyValueMatches() :
                matchesSequence(keys.sequence(tag), items, context);
        }
        if (candidate.bytes(tag).length == 0)
        {
            return context.options().emptyValueMatches();
        }
        final int vr = keyVr == ValueRepresentation.UN ? candidateVr : keyVr;
        if (keyVr != candidateVr && keyVr != ValueRepresentation.UN && candidateVr != ValueRepresentation.UN)
        {
            return false;
        }
        if (!DataSet.isText(vr) && !numericBinary(vr))
        {
            return Arrays.equals(keys.bytes(tag), candidate.bytes(tag));
        }
        return matchesValues(vr, stringsAs(keys, tag, vr), stringsAs(candidate, tag, vr), context);
    }

    /** The values of an attribute, read with {@code vr} when it is held as UN (e.g. an unknown tag). */
    private static String[] stringsAs(final DataSet dataSet, final int tag, final int vr)
    {
        return dataSet.vr(tag) == vr ? dataSet.strings(tag) :
            new DataSet().put(tag, vr, dataSet.bytes(tag)).strings(tag);
    }

    private static boolean matchesValues(final int vr, final String[] keyValues, final String[] values,
        final Context context)
    {
        final boolean all = keyValues.length > 1 && context.options().multipleValueMatching() &&
            (vr == ValueRepresentation.AE || vr == ValueRepresentation.AS || vr == ValueRepresentation.AT ||
            vr == ValueRepresentation.CS || vr == ValueRepresentation.LO || vr == ValueRepresentation.PN ||
            vr == ValueRepresentation.SH || vr == ValueRepresentation.UC);
        for (final String key : keyValues)
        {
            boolean found = false;
            for (int v = 0; v < values.length && !found; v++)
            {
                found = matchesValue(vr, key, values[v], context);
            }
            if (found && !all)
            {
                return true;
            }
            if (!found && all)
            {
                return false;
            }
        }
        return all;
    }

    private static boolean matchesSequence(final List<DataSet> keyItems, final List<DataSet> items,
        final Context context)
    {
        for (final DataSet keyItem : keyItems)
        {
            if (universalItem(keyItem))
            {
                continue;
            }
            boolean found = false;
            for (int i = 0; i < items.size() && !found; i++)
            {
                found = matchesItem(keyItem, items.get(i), NOT_HELD, context);
            }
            if (!found)
            {
                return false;
            }
        }
        return true;
    }

    private static boolean universalItems(final List<DataSet> items)
    {
        for (final DataSet item : items)
        {
            if (!universalItem(item))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean universalItem(final DataSet item)
    {
        for (int i = 0; i < item.size(); i++)
        {
            final int tag = item.tagAt(i);
            if (isMatchingKey(tag) && !isUniversal(item, tag))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean matchesValue(final int vr, final String key, final String value, final Context context)
    {
        if (vr == ValueRepresentation.DA || vr == ValueRepresentation.TM || vr == ValueRepresentation.DT)
        {
            return DateTimeMatching.matches(vr, key, value, context.keyOffset(), context.valueOffset());
        }
        if (vr == ValueRepresentation.PN)
        {
            return PersonNameMatching.matches(key, value, context.options().personNameCaseInsensitive());
        }
        if (allowsWildCards(vr) && hasWildCard(key))
        {
            return wildCard(key, value, false);
        }
        if (vr == ValueRepresentation.IS || vr == ValueRepresentation.DS || numericBinary(vr))
        {
            try
            {
                return new BigDecimal(key.startsWith("+") ? key.substring(1) : key)
                    .compareTo(new BigDecimal(value.startsWith("+") ? value.substring(1) : value)) == 0;
            }
            catch (final NumberFormatException ex)
            {
                return key.equals(value);
            }
        }
        return key.equals(value);
    }

    static boolean hasWildCard(final String key)
    {
        return key.indexOf('*') >= 0 || key.indexOf('?') >= 0;
    }

    /**
     * Wild Card Matching over code points, iteratively with one backtracking point (the last {@code *}).
     */
    static boolean wildCard(final String pattern, final String text, final boolean ignoreCase)
    {
        final int[] p = pattern.codePoints().toArray();
        final int[] t = text.codePoints().toArray();
        int pi = 0;
        int ti = 0;
        int star = -1;
        int mark = 0;
        while (ti < t.length)
        {
            if (pi < p.length && p[pi] == '*')
            {
                star = pi++;
                mark = ti;
            }
            else if (pi < p.length && (p[pi] == '?' || same(p[pi], t[ti], ignoreCase)))
            {
                pi++;
                ti++;
            }
            else if (star >= 0)
            {
                pi = star + 1;
                ti = ++mark;
            }
            else
            {
                return false;
            }
        }
        while (pi < p.length && p[pi] == '*')
        {
            pi++;
        }
        return pi == p.length;
    }

    static boolean same(final int a, final int b, final boolean ignoreCase)
    {
        return a == b || (ignoreCase && (Character.toUpperCase(a) == Character.toUpperCase(b) ||
            Character.toLowerCase(a) == Character.toLowerCase(b)));
    }

    private static boolean numericBinary(final int vr)
    {
        return vr == ValueRepresentation.US || vr == ValueRepresentation.SS || vr == ValueRepresentation.UL ||
            vr == ValueRepresentation.SL || vr == ValueRepresentation.FL || vr == ValueRepresentation.FD;
    }
}
