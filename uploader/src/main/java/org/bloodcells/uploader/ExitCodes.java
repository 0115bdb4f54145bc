package org.bloodcells.uploader;

/** What the uploader's exit status says (README's table; a test holds them together). */
public final class ExitCodes {

    /** Every file is acknowledged by the service (now or in an earlier run), or a dry run found nothing wrong. */
    public static final int OK = 0;
    /** The service refused some files for good (their reasons are listed); the others were acknowledged. */
    public static final int SOME_REFUSED = 1;
    /** The command line or the folder is wrong (nothing was sent). */
    public static final int USAGE = 2;
    /** The service stayed unreachable or unavailable through every retry for some files: run the command again. */
    public static final int GAVE_UP = 3;
    /** A dry run found files the service would refuse. */
    public static final int DRY_RUN_FOUND_PROBLEMS = 4;
    /** The run stopped on an error of its own (the message says which); what was acknowledged is in the manifest. */
    public static final int STOPPED = 5;
    /** The service did not accept the token (401: none, expired or not trusted; 403: not this scanner's): nothing
     *  more was sent. */
    public static final int ACCESS_REFUSED = 6;

    private ExitCodes() {
    }
}
