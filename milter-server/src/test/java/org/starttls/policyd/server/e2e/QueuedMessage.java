package org.starttls.policyd.server.e2e;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/** One message as {@code postqueue -j} reports it (one JSON object per line, postqueue(1)). */
@JsonIgnoreProperties(ignoreUnknown = true)
record QueuedMessage(
        @JsonProperty(value = "queue_name", required = true) String queueName,
        @JsonProperty(value = "queue_id", required = true) String queueId,
        @JsonProperty("sender") String sender,
        @JsonProperty(value = "recipients", required = true) List<Recipient> recipients) {

    QueuedMessage {
        Objects.requireNonNull(queueName, "queue_name");
        Objects.requireNonNull(queueId, "queue_id");
        recipients = List.copyOf(recipients);
    }

    /** A recipient still in the queue; {@code delayReason} is absent until a delivery attempt failed. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Recipient(
            @JsonProperty(value = "address", required = true) String address,
            @JsonProperty("delay_reason") String delayReason) {
        Recipient {
            Objects.requireNonNull(address, "address");
        }
    }
}
