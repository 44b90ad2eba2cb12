// Which racer a VU is: every race here puts one VU per racer and interleaves the VUs over the race
// groups, so VU initialisation order does not put one group's racers all first. Pure.

/** One VU per racer; above this one load generator no longer fires "at the same instant". */
export const RACE_MAX_VUS = 2000;

/**
 * The race group and the racer's index in it. VUs are interleaved over the groups (as the registration
 * race does), so VU initialisation order does not put one group's racers all first.
 */
export function raceSlot(vuIdInTest: number, groups: number): { group: number; racer: number } {
  return { group: (vuIdInTest - 1) % groups, racer: Math.floor((vuIdInTest - 1) / groups) };
}
