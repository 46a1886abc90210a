package org.appealdesk.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** `./appealdesk COMMAND`: the one entry point. Commands are wired in this one place. */
@Command(name = "appealdesk", mixinStandardHelpOptions = true, version = "appealdesk 0.1.0",
        description = "Charity appeals funded by text message and web donations.",
        subcommands = {DemoCommand.class, ServeCommand.class, VerifyCommand.class, BenchCommand.class, PromoCommand.class, GiftAidCommand.class, SettleCommand.class, RefundCommand.class, PayoutCommand.class, ReportCommand.class, DonationCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line as {@link #main} runs it (tests run it the same way). */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        // Bad settings are operating errors, not bugs: print one clear line, no stack trace.
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                cmd.getErr().println("appealdesk: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return commandLine;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
