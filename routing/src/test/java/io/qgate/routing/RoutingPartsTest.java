package io.qgate.routing;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

import static io.qgate.routing.Replicas.A;
import static io.qgate.routing.Replicas.B;
import static io.qgate.routing.Replicas.C;
import static io.qgate.routing.Replicas.STALE_AFTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The named parts one by one, and their composition into strategies. */
class RoutingPartsTest {

    private static final RouteRequest CHAT = new RouteRequest(ApiRoute.CHAT, "m", false);

    private final FakeClock clock = new FakeClock();
    private final Random seeded = new Random(7);
    private final Supplier<RandomGenerator> random = () -> seeded;
    private final LoadTable table = new LoadTable();

    {
        table.update(EndpointSnapshot.of(List.of(A, B, C)));
    }

    private Decision decision(RouteRequest request, Set<Endpoint> excluded) {
        return new Decision().reset(request, excluded, table, RoutingSettings.defaults(), STALE_AFTER,
                clock.getAsLong());
    }

    private static List<Endpoint> candidates(Decision decision) {
        return java.util.stream.IntStream.range(0, decision.size()).mapToObj(decision::endpoint).toList();
    }

    private void eject(Endpoint endpoint) {
        EndpointLoad load = table.load(endpoint);
        RoutingSettings once = RoutingSettings.defaults()
                .withEjection(1, Duration.ofSeconds(10), Duration.ofMinutes(1));
        assertThat(load.ejection().failure(clock.getAsLong(), once)).isTrue();
        table.ejectedUntil(load.ejection().ejectedUntilNanos());
    }

    @Test
    void excludedFilterAppliesOnlyToARetryAndLeavesOutTheFailedAddresses() {
        Decision first = decision(CHAT, Set.of());
        assertThat(Filters.EXCLUDED.applies(first)).isFalse();

        Decision retry = decision(CHAT, Set.of(Endpoint.of("10.0.0.2", 4000)));
        retry.filter(Filters.EXCLUDED);
        assertThat(candidates(retry)).containsExactly(A, C);
    }

    @Test
    void servedModelFilterAppliesOnlyToANameSomeButNotAllReplicasReport() {
        table.load(A).scraped(0, 0, 0, Set.of("m", "n"), clock.getAsLong());
        table.load(B).scraped(0, 0, 0, Set.of("n"), clock.getAsLong());
        // C reports nothing: unknown, so it stays.

        Decision forM = decision(CHAT, Set.of());
        forM.filter(Filters.SERVED_MODEL);
        assertThat(candidates(forM)).containsExactly(A, C);

        Decision forN = decision(new RouteRequest(ApiRoute.CHAT, "n", false), Set.of());
        assertThat(Filters.SERVED_MODEL.applies(forN)).as("every reporting replica serves n").isFalse();
        Decision alias = decision(new RouteRequest(ApiRoute.CHAT, "alias", false), Set.of());
        assertThat(Filters.SERVED_MODEL.applies(alias)).as("no replica reports it: maybe an alias").isFalse();
    }

    @Test
    void ejectedFilterLeavesOutEjectedReplicasButGivesWayWhenAllAre() {
        Decision before = decision(CHAT, Set.of());
        assertThat(Filters.EJECTED.applies(before)).as("no ejection yet").isFalse();

        eject(B);
        Decision some = decision(CHAT, Set.of());
        some.filter(Filters.EJECTED);
        assertThat(candidates(some)).containsExactly(A, C);

        eject(A);
        eject(C);
        Decision all = decision(CHAT, Set.of());
        all.filter(Filters.EJECTED);
        assertThat(candidates(all)).containsExactly(A, B, C);

        clock.advance(Duration.ofSeconds(11));
        assertThat(Filters.EJECTED.applies(decision(CHAT, Set.of()))).as("past the horizon").isFalse();
    }

    @Test
    void filteringCopiesAndNeverWritesTheTablesArrays() {
        Decision retry = decision(CHAT, Set.of(A));
        retry.filter(Filters.EXCLUDED);
        assertThat(candidates(retry)).containsExactly(B, C);

        assertThat(table.accepting().endpoints()).containsExactly(A, B, C);
        assertThat(candidates(decision(CHAT, Set.of()))).containsExactly(A, B, C);
    }

    @Test
    void estimatesFollowTheFilteredCandidates() {
        table.load(A).scraped(0, 1, 0, Set.of(), clock.getAsLong());
        table.load(B).scraped(0, 5, 0, Set.of(), clock.getAsLong());
        table.load(C).scraped(0, 3, 0, Set.of(), clock.getAsLong());
        Decision retry = decision(CHAT, Set.of(A));
        assertThat(retry.lowest()).isEqualTo(1);

        retry.filter(Filters.EXCLUDED);
        assertThat(retry.lowest()).isEqualTo(3);
        assertThat(retry.estimated(0)).isEqualTo(5);
    }

    @Test
    void scoresAreWeightedInTheScorersOrderAndNotedOnEachLoad() {
        table.load(A).scraped(0, 2, 0.0, Set.of(), clock.getAsLong());
        table.load(B).scraped(0, 0, 1.0, Set.of(), clock.getAsLong());
        table.load(C).scraped(0, 1, 0.5, Set.of(), clock.getAsLong());
        Decision decision = decision(CHAT, Set.of());

        decision.score(new Scorer[] {Scorers.QUEUE, Scorers.KV_CACHE}, new double[] {2.0, 0.5});

        assertThat(decision.total(0)).isCloseTo(2.0 / 3 + 0.5, within(1e-12));
        assertThat(decision.total(1)).isCloseTo(2.0, within(1e-12));
        assertThat(decision.total(2)).isCloseTo(1.0 + 0.25, within(1e-12));
        ScoreCard card = table.load(C).scoreCard();
        assertThat(card.recorded()).isTrue();
        assertThat(card.atNanos()).isEqualTo(clock.getAsLong());
        assertThat(card.score(0)).isEqualTo(0.5);
        assertThat(card.score(1)).isEqualTo(0.5);
        assertThat(card.total()).isCloseTo(1.25, within(1e-12));
    }

    @Test
    void maxScorePickerChoosesAmongTheNearBestOnly() {
        Picker picker = Pickers.maxScore(random);
        table.load(A).scraped(0, 0, 0.5, Set.of(), clock.getAsLong());
        table.load(B).scraped(0, 9, 0.5, Set.of(), clock.getAsLong());
        table.load(C).scraped(0, 0, 0.51, Set.of(), clock.getAsLong()); // within 0.02 of A
        int[] picks = new int[3];
        for (int i = 0; i < 200; i++) {
            Decision decision = decision(CHAT, Set.of());
            decision.score(new Scorer[] {Scorers.QUEUE, Scorers.KV_CACHE}, new double[] {1.0, 0.1});
            picks[picker.pick(decision)]++;
        }
        assertThat(picks[1]).isZero();
        assertThat(picks[0]).isBetween(70, 130);
        assertThat(picks[2]).isBetween(70, 130);
    }

    @Test
    void queueStrategyIsComposedFromTheWeightsInTheSettings() {
        RoutingSettings settings = RoutingSettings.defaults();
        assertThat(Strategies.queue(settings, random)).hasToString(
                "queue [excluded, served-model, ejected] [queue: 1.0, kv-cache: 0.1, prefix: 1.2, lora: 2.0] max-score");

        RoutingStrategy reweighted = Strategies.queue(settings.withPrefixAffinity(false)
                .withWeights(new RoutingSettings.Weights(0.5, 0, 3, 0)), random);
        assertThat(reweighted).hasToString("queue [excluded, served-model, ejected] [queue: 0.5] max-score");
        assertThat(reweighted.scorerNames()).containsExactly("queue");
        assertThat(reweighted.usesPrefixes()).isFalse();
        assertThat(Strategies.queue(settings, random).usesPrefixes()).isTrue();
        assertThat(Strategies.roundRobin()).hasToString("round-robin [excluded, served-model, ejected] [] round-robin");
    }

    @Test
    void theWeightsDecide() {
        // A has the shorter queue, B the emptier cache: the weights say which matters.
        table.load(A).scraped(0, 2, 0.9, Set.of(), clock.getAsLong());
        table.load(B).scraped(0, 3, 0.0, Set.of(), clock.getAsLong());
        table.update(EndpointSnapshot.of(List.of(A, B)));
        RoutingSettings settings = RoutingSettings.defaults().withPrefixAffinity(false);

        RoutingStrategy byQueue = Strategies.queue(settings, random);
        RoutingStrategy byCache = Strategies.queue(settings.withWeights(new RoutingSettings.Weights(1, 2, 0, 0)), random);

        assertThat(byQueue.choose(decision(CHAT, Set.of()))).isEqualTo(0);
        assertThat(byCache.choose(decision(CHAT, Set.of()))).isEqualTo(1);
    }

    @Test
    void aStrategyWithoutScorersPicksUniformly() {
        RoutingStrategy none = Strategies.queue(RoutingSettings.defaults()
                .withWeights(new RoutingSettings.Weights(0, 0, 0, 0)), random);
        int[] picks = new int[3];
        for (int i = 0; i < 300; i++) {
            picks[none.choose(decision(CHAT, Set.of()))]++;
        }
        assertThat(picks[0]).isBetween(70, 130);
        assertThat(picks[1]).isBetween(70, 130);
        assertThat(picks[2]).isBetween(70, 130);
        assertThat(table.load(A).scoreCard().recorded()).as("nothing was scored").isFalse();
    }

    @Test
    void aDecisionThatFiltersEverythingOutChoosesNothing() {
        assertThat(Strategies.roundRobin().choose(decision(CHAT, Set.of(A, B, C)))).isEqualTo(-1);
    }

    @Test
    void namesAreCheckedInOnePlace() {
        assertThat(Strategies.NAMES).containsExactly("queue", "work", "predicted", "least-inflight", "round-robin",
                "random", "llmd-default", "llmd-queue-kv");
        for (String name : Strategies.NAMES) {
            assertThat(Strategies.named(name, RoutingSettings.defaults(), random).name()).isEqualTo(name);
        }
        assertThatThrownBy(() -> Strategies.named("fastest", RoutingSettings.defaults(), random))
                .hasMessage("routing.strategy: fastest"
                        + " (expected: one of [queue, work, predicted, least-inflight, round-robin, random, llmd-default,"
                        + " llmd-queue-kv])");
    }

    @Test
    void weightsMustBeFiniteAndNotNegative() {
        assertThatThrownBy(() -> new RoutingSettings.Weights(1, -0.1, 1, 1))
                .hasMessage("kvCache: -0.1 (expected: a finite number >= 0)");
        assertThatThrownBy(() -> new RoutingSettings.Weights(Double.NaN, 0, 1, 1))
                .hasMessage("queue: NaN (expected: a finite number >= 0)");
        assertThat(RoutingSettings.defaults().weights()).isEqualTo(new RoutingSettings.Weights(1.0, 0.1, 1.2, 2.0));
    }
}
