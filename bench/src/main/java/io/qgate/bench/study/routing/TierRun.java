package io.qgate.bench.study.routing;

import io.qgate.bench.load.LoadResult;
import java.util.List;

/** One configuration's load results, one per gateway, and the picker the gateways routed with. */
record TierRun(String picker, List<LoadResult> results) {

    TierRun {
        results = List.copyOf(results);
    }
}
