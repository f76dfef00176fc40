package io.qgate.fleet.hpa;

import java.util.List;
import java.util.OptionalDouble;

/** What the metrics APIs answer at one sync. */
public interface MetricReadings {

    /** Every pod the HPA's selector matches, with its CPU sample if there is one. */
    List<PodCpu> cpu();

    /** The current value of an Object or External metric, or empty when the API has none. */
    OptionalDouble value(String name);
}
