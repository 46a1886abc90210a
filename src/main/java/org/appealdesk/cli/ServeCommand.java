package org.appealdesk.cli;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import org.appealdesk.app.AppConfig;
import org.appealdesk.app.Application;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The real deployment path: PostgreSQL by URL (or embedded), SMSC binds, HTTP. Runs until stopped. */
@Command(name = "serve", description = "Run the platform as configured until stopped.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, description = "configuration file (JSON with comments)")
    Path config;

    @Option(names = "--data", defaultValue = "data", description = "directory for the embedded PostgreSQL (default: ${DEFAULT-VALUE})")
    Path data;

    @Override
    public Integer call() throws InterruptedException {
        AppConfig settings = AppConfig.read(config, System::getenv);
        Application application = Application.start(settings, PhoneKeys.fromEnvironment(settings.phoneKeyEnvironmentVariable()), data);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            application.close();
            stopped.countDown();
        }));
        System.out.println("appealdesk serving: http://" + settings.http().host() + ":" + application.web.port() + "/");
        stopped.await();
        return 0;
    }
}
