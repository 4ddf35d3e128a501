package org.dimse4j.cli;

/**
 * Sets slf4j-simple's level from -v/--verbose and -d/--debug before any logger exists: warnings by default.
 */
final class Logging
{
    private Logging()
    {
    }

    static void configure(final String[] args)
    {
        String level = "info";
        for (final String arg : args)
        {
            if ("-d".equals(arg) || "--debug".equals(arg))
            {
                level = "debug";
            }
            else if (("-q".equals(arg) || "--quiet".equals(arg)) && !"debug".equals(level))
            {
                level = "warn";
            }
        }
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    }
}
