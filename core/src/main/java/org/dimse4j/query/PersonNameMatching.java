package org.dimse4j.query;

/**
 * PN matching (PS3.4 C.2.2.2.1 and C.2.2.2.4 on the PS3.5 §6.2.1 structure): up to three component groups
 * (alphabetic, ideographic, phonetic) separated by {@code =}, each of up to five components separated by {@code ^}.
 * Trailing {@code ^} in a group and trailing empty groups are insignificant and removed before comparing. A key
 * with {@code =} is compared group by group, an empty or {@code *} key group matching any group; a key without
 * {@code =} matches if it matches the whole value or any one of its groups (so {@code Yamada^Tarou} finds
 * {@code Yamada^Tarou=山田^太郎}). Each comparison is Wild Card Matching when the key has {@code *} or {@code ?},
 * exact otherwise; case-insensitive only when asked.
 */
final class PersonNameMatching
{
    private PersonNameMatching()
    {
    }

    static boolean matches(final String key, final String value, final boolean ignoreCase)
    {
        final String[] valueGroups = value.split("=", -1);
        if (key.indexOf('=') < 0)
        {
            final String k = normalizeGroup(key);
            if (text(k, normalize(valueGroups), ignoreCase))
            {
                return true;
            }
            for (final String group : valueGroups)
            {
                if (text(k, normalizeGroup(group), ignoreCase))
                {
                    return true;
                }
            }
            return false;
        }
        final String[] keyGroups = key.split("=", -1);
        for (int g = 0; g < keyGroups.length; g++)
        {
            final String k = normalizeGroup(keyGroups[g]);
            if (k.isEmpty() || "*".equals(k))
            {
                continue;
            }
            final String v = g < valueGroups.length ? normalizeGroup(valueGroups[g]) : "";
            if (!text(k, v, ignoreCase))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean text(final String key, final String value, final boolean ignoreCase)
    {
        if (QueryMatcher.hasWildCard(key))
        {
            return QueryMatcher.wildCard(key, value, ignoreCase);
        }
        return ignoreCase ? QueryMatcher.wildCard(key, value, true) : key.equals(value);
    }

    private static String normalize(final String[] groups)
    {
        int n = groups.length;
        while (n > 1 && normalizeGroup(groups[n - 1]).isEmpty())
        {
            n--;
        }
        final StringBuilder out = new StringBuilder();
        for (int g = 0; g < n; g++)
        {
            if (g > 0)
            {
                out.append('=');
            }
            out.append(normalizeGroup(groups[g]));
        }
        return out.toString();
    }

    private static String normalizeGroup(final String group)
    {
        int end = group.length();
        while (end > 0 && (group.charAt(end - 1) == '^' || group.charAt(end - 1) == ' '))
        {
            end--;
        }
        return group.substring(0, end);
    }
}
