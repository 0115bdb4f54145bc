package org.bloodcells.results.delivery;

import java.net.URI;
import java.time.Duration;

import org.hl7.fhir.r4.model.IdType;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IRestfulClientFactory;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;

/**
 * A hospital's FHIR server, through HAPI FHIR's generic client: each resource is written with PUT
 * {@code [base]/{type}/{id}} (FHIR's update, creating the resource the first time), so sending the same entry again
 * makes a new version of the same resource, never a second one.
 */
public class FhirEndpoint {

    /** Why a PUT did not go through: what ops read in the outbox (the server's status and message). */
    public static class DeliveryFailure extends Exception {
        public DeliveryFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final IGenericClient client;

    public FhirEndpoint(FhirContext context, URI base, Duration connectTimeout, Duration readTimeout) {
        IRestfulClientFactory factory = context.getRestfulClientFactory();
        // The client's settings hold for the clients made after them; one endpoint per context.
        factory.setConnectTimeout((int) connectTimeout.toMillis());
        factory.setConnectionRequestTimeout((int) connectTimeout.toMillis());
        factory.setSocketTimeout((int) readTimeout.toMillis());
        // No fetch of the server's CapabilityStatement before the first PUT: one request per delivery.
        factory.setServerValidationMode(ServerValidationModeEnum.NEVER);
        this.client = context.newRestfulGenericClient(base.toString());
    }

    /** Writes the resource as its id; returns the version the server gave it (null where it says none). */
    public String put(String resourceType, String resourceId, String json) throws DeliveryFailure {
        try {
            MethodOutcome outcome = client.update().resource(json).withId(new IdType(resourceType, resourceId))
                    .encodedJson().execute();
            return outcome.getId() == null ? null : outcome.getId().getVersionIdPart();
        } catch (FhirClientConnectionException e) {
            // No answer at all (refused, timed out, cut off); HAPI gives these a status of 500 of its own.
            throw new DeliveryFailure("no answer: " + e.getMessage(), e);
        } catch (BaseServerResponseException e) {
            throw new DeliveryFailure("HTTP " + e.getStatusCode() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new DeliveryFailure("no answer: " + e, e);
        }
    }
}
