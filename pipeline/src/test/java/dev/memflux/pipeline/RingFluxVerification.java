package dev.memflux.pipeline;

import dev.memflux.capture.EventRing;
import dev.memflux.format.EventBatch;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;
import org.testng.annotations.AfterMethod;

/**
 * The Reactive Streams TCK's publisher rules, checked against {@link RingFlux} fed by a
 * producer thread as the collector feeds it. TestNG runs it; {@link RingFluxTckTest}
 * runs TestNG from JUnit.
 */
public class RingFluxVerification extends PublisherVerification<EventBatch> {
    private final List<RingProducer> producers = new CopyOnWriteArrayList<>();

    public RingFluxVerification() {
        super(new TestEnvironment(2_000, 200));
    }

    @Override
    public Publisher<EventBatch> createPublisher(long elements) {
        EventRing ring = new EventRing(8);
        RingFlux flux = new RingFlux(ring);
        producers.add(RingProducer.start(ring, elements, null));
        return flux;
    }

    @Override
    public Publisher<EventBatch> createFailedPublisher() {
        EventRing ring = new EventRing(8);
        RingFlux flux = new RingFlux(ring);
        producers.add(RingProducer.start(ring, 0, new IOException("the agent's stream broke")));
        return flux;
    }

    /** Producers of endless streams stop with their test (a cancel leaves them free-running). */
    @AfterMethod
    public void stopProducers() {
        for (RingProducer producer : producers) {
            producer.stop = true;
        }
        producers.clear();
    }
}
