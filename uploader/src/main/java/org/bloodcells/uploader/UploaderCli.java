package org.bloodcells.uploader;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar bloodcells-upload.jar upload DIR --scanner S --batch B} (README: "Uploading a scanner's folder"). */
@Command(name = "bloodcells-upload", mixinStandardHelpOptions = true, version = "bloodcells-upload 0.1.0",
        description = "Uploads microscope images to the blood cell detection platform.",
        subcommands = { UploadCommand.class, CommandLine.HelpCommand.class })
public class UploaderCli {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line as main runs it (tests run it in-process). */
    public static CommandLine commandLine() {
        return new CommandLine(new UploaderCli()).setExitCodeExceptionMapper(
                e -> e instanceof CommandLine.ParameterException ? ExitCodes.USAGE : ExitCodes.STOPPED);
    }
}
