package org.bloodcells.results.support;

import java.net.URI;
import java.util.List;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.hl7.fhir.r4.model.DiagnosticReport;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.rest.server.provider.HashMapResourceProvider;

/**
 * A hospital's FHIR server for the delivery tests: HAPI FHIR's plain {@link RestfulServer} with HAPI's in-memory
 * store of DiagnosticReports (every version kept, every PUT counted), served by an embedded Jetty at
 * {@code http://127.0.0.1:<port>/fhir}. It can be stopped and started again on the same port, its store surviving,
 * as a real server's database would; and it can be told to refuse every request with a status.
 */
public final class HospitalFhirServer implements AutoCloseable {

    private final FhirContext context = FhirContext.forR4Cached();
    private final HashMapResourceProvider<DiagnosticReport> reports = new HashMapResourceProvider<>(context,
            DiagnosticReport.class);
    /** Signed slide reports arrive as one Bundle each (SlideReports.deliver). */
    private final HashMapResourceProvider<org.hl7.fhir.r4.model.Bundle> bundles = new HashMapResourceProvider<>(
            context, org.hl7.fhir.r4.model.Bundle.class);
    private final int port;
    private volatile int refuseWith;
    private volatile long answerAfterMillis;
    private Server jetty;

    /** Refuses every request while {@link #refuseWith} is set, as a server in trouble (500) or one that will not take
     *  the resource (422) answers. */
    @Interceptor
    public final class Refusal {
        @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
        public void refuse(RequestDetails request) {
            switch (refuseWith) {
                case 0 -> {
                }
                case 422 -> throw new UnprocessableEntityException("refused by the test's hospital");
                default -> throw new InternalErrorException("the test's hospital is in trouble");
            }
        }
    }

    /** Stores what it is sent, then holds the answer back while {@link #answerAfterMillis} is set: an answer the
     *  sender stops waiting for, as when a connection breaks after the server committed. */
    @Interceptor
    public final class SlowAnswer {
        @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
        public void holdBack(RequestDetails request) throws InterruptedException {
            Thread.sleep(answerAfterMillis);
        }
    }

    public HospitalFhirServer(URI base) {
        this.port = base.getPort();
        if (!"/fhir".equals(base.getPath())) {
            throw new IllegalArgumentException("the test's hospital serves /fhir, not " + base.getPath());
        }
    }

    public synchronized void start() throws Exception {
        if (jetty != null) {
            return;
        }
        RestfulServer fhir = new RestfulServer(context);
        fhir.registerProvider(reports);
        fhir.registerProvider(bundles);
        fhir.registerInterceptor(new Refusal());
        fhir.registerInterceptor(new SlowAnswer());
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setReuseAddress(true);
        server.addConnector(connector);
        ServletContextHandler handler = new ServletContextHandler();
        handler.setContextPath("/");
        handler.addServlet(new ServletHolder(fhir), "/fhir/*");
        server.setHandler(handler);
        server.start();
        jetty = server;
    }

    /** Down: nothing listens on the port any more. */
    public synchronized void stop() throws Exception {
        if (jetty != null) {
            jetty.stop();
            jetty = null;
        }
    }

    /** Every request answered with this status (422, or 500 for any other), until set back to 0. */
    public void refuseWith(int status) {
        refuseWith = status;
    }

    /** Every answer sent this long after the request was handled (stored); 0 for at once. */
    public void answerAfter(java.time.Duration wait) {
        answerAfterMillis = wait.toMillis();
    }

    /** The reports as stored now, each at its latest version. */
    public List<DiagnosticReport> reports() {
        return reports.getStoredResources();
    }

    /** The versions stored of the reports whose id starts with {@code prefix}: one per PUT the store took (refused
     *  ones never reach it). */
    public long versions(String prefix) {
        return reports.historyType().stream().filter(r -> r.getIdElement().getIdPart().startsWith(prefix)).count();
    }

    /** The Bundles as stored now, each at its latest version. */
    public List<org.hl7.fhir.r4.model.Bundle> bundles() {
        return bundles.getStoredResources();
    }

    /** The versions stored of the Bundle {@code id}: one per PUT the store took. */
    public long bundleVersions(String id) {
        return bundles.historyType().stream().filter(r -> r.getIdElement().getIdPart().equals(id)).count();
    }

    /** Creates by POST: a second report where an update was meant. */
    public long creates() {
        return reports.getCountCreate();
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
