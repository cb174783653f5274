package dev.memflux.pipeline;

import dev.memflux.format.EventBatch;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.core.publisher.ConnectableFlux;
import reactor.core.publisher.Flux;
import reactor.core.publisher.GroupedFlux;
import reactor.core.publisher.Hooks;
import reactor.util.context.Context;

/**
 * A debug check that a stage does not keep a ring batch past the {@code onNext} that
 * delivered it (by buffering it, handing it to another thread, emitting it later): a
 * batch passed on between operators after its slot was released fails the flux with an
 * {@link IllegalStateException} naming the operator, instead of quietly reading another
 * batch's records once the slot is reused.
 *
 * <p>On when assertions are (as under the Maven test runner), or with
 * {@code -Dmemflux.checkBatches=true}; then every Reactor operator assembled afterwards
 * checks each {@link EventBatch} it emits ({@link EventBatch#isLive}). It cannot see a
 * stage that keeps a batch in a field and reads it outside the operator chain, nor a
 * stale batch whose slot happens to be in its next {@code onNext} at that moment.
 */
public final class BatchLifetime {
    static final boolean ENABLED =
            Boolean.getBoolean("memflux.checkBatches") || BatchLifetime.class.desiredAssertionStatus();
    private static final String HOOK = "memflux.batchLifetime";

    private BatchLifetime() {}

    static void installIfEnabled() {
        if (ENABLED) {
            Hooks.onEachOperator(HOOK, BatchLifetime::checked);
        }
    }

    /**
     * Wraps a {@link Flux} operator (Reactor casts the result back to the operator's kind, so
     * Monos and the special fluxes stay as they are; batches flow in plain fluxes). The
     * wrapper is not {@code Fuseable}: fused operators would pass batches through queues
     * this check cannot see.
     */
    private static Publisher<Object> checked(Publisher<Object> operator) {
        if (!(operator instanceof Flux<Object> flux) || operator instanceof ConnectableFlux || operator instanceof GroupedFlux) {
            return operator;
        }
        String name = Scannable.from(operator).stepName();
        return new Flux<>() {
            @Override
            public void subscribe(CoreSubscriber<? super Object> downstream) {
                flux.subscribe(new Check(name, downstream));
            }
        };
    }

    private static final class Check implements CoreSubscriber<Object>, Subscription {
        private final String operator;
        private final CoreSubscriber<? super Object> downstream;
        private Subscription upstream;
        private boolean failed;

        Check(String operator, CoreSubscriber<? super Object> downstream) {
            this.operator = operator;
            this.downstream = downstream;
        }

        @Override
        public Context currentContext() {
            return downstream.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            upstream = s;
            downstream.onSubscribe(this);
        }

        @Override
        public void onNext(Object value) {
            if (failed) {
                return;
            }
            if (value instanceof EventBatch batch && !batch.isLive()) {
                failed = true;
                upstream.cancel();
                downstream.onError(new IllegalStateException("an EventBatch left '" + operator
                        + "' after the onNext that delivered it had returned (generation " + batch.generation()
                        + "): a stage kept a reused batch; copy what it needs instead"));
                return;
            }
            downstream.onNext(value);
        }

        @Override
        public void onError(Throwable t) {
            if (!failed) {
                downstream.onError(t);
            }
        }

        @Override
        public void onComplete() {
            if (!failed) {
                downstream.onComplete();
            }
        }

        @Override
        public void request(long n) {
            upstream.request(n);
        }

        @Override
        public void cancel() {
            upstream.cancel();
        }
    }
}
