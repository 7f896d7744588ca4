/**
 * Setup file for the contract check's runs: each test announces itself to the warm pool as it
 * starts, so a run stuck in a loop is killed after a short silence (not the longer one allowed
 * while modules load) and reported with the test it was in (see killStuckWorkers).
 */
import { beforeEach } from "vitest";
import { announceTest } from "./announce.ts";

beforeEach(({ task }) => announceTest(task));
