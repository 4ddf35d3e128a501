package org.dimse4j.query;

/**
 * The choices PS3.4 leaves to the C-FIND SCP (and that its Conformance Statement must state), for
 * {@link QueryMatcher}.
 *
 * @param personNameCaseInsensitive true to compare PN values without regard to case (PS3.4 C.2.2.2.1 and C.2.2.2.4
 *                                  allow it for PN only); false (the default) compares PN literally, like every
 *                                  other VR.
 * @param emptyValueMatches         true (the default) to let an attribute the candidate holds with a zero-length
 *                                  value (or a sequence with no items) match any key: PS3.4 C.2.2.1.2 requires it
 *                                  for Required Keys ("the value is considered unknown and all matching against
 *                                  the zero length Required Key shall be considered a successful match"); false
 *                                  to treat it as a value that matches only Universal Matching.
 * @param multipleValueMatching     true when Extended Negotiation of Multiple Value Matching succeeded (PS3.4
 *                                  C.2.2.2.8): a multi-valued key of VR AE, AS, AT, CS, LO, PN, SH or UC then
 *                                  matches only if every key value matches some value of the candidate. False (the
 *                                  default): a multi-valued key matches if any of its values matches, as List of UID
 *                                  Matching does for UI (C.2.2.2.2); the standard leaves this case undefined.
 */
public record MatchOptions(boolean personNameCaseInsensitive, boolean emptyValueMatches, boolean multipleValueMatching)
{
    /** Literal PN matching, empty candidate values match, no Multiple Value Matching. */
    public static final MatchOptions DEFAULT = new MatchOptions(false, true, false);

    /**
     * @param value see {@link #personNameCaseInsensitive()}.
     * @return a copy with that setting.
     */
    public MatchOptions withPersonNameCaseInsensitive(final boolean value)
    {
        return new MatchOptions(value, emptyValueMatches, multipleValueMatching);
    }

    /**
     * @param value see {@link #emptyValueMatches()}.
     * @return a copy with that setting.
     */
    public MatchOptions withEmptyValueMatches(final boolean value)
    {
        return new MatchOptions(personNameCaseInsensitive, value, multipleValueMatching);
    }

    /**
     * @param value see {@link #multipleValueMatching()}.
     * @return a copy with that setting.
     */
    public MatchOptions withMultipleValueMatching(final boolean value)
    {
        return new MatchOptions(personNameCaseInsensitive, emptyValueMatches, value);
    }
}
