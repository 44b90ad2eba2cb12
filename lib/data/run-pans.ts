// Run-unique PANs for scenarios that register users (the registration race, the audit load): a series
// per run, disjoint from other runs' and from each other scenario's. Pure, unit-tested in Node.
import { PAN_SERIAL_MODULUS, panFromSerial, type PanHolderType } from './pan.ts';

/**
 * A run's PAN series: the serial base comes from the wall clock in milliseconds (runs started at
 * different milliseconds get disjoint serials as long as each uses fewer PANs than the milliseconds
 * between their starts, and the clock only repeats after ~2 days), and the surname initial (the 5th
 * character) is drawn at random, so two runs started in the same millisecond still differ 25 times in 26.
 */
export interface PanSeries {
  base: number;
  initial: string;
  /**
   * The 4th character. Scenarios use different holder types (the race P, the audit load C) so their
   * PAN spaces never overlap whatever their clocks.
   */
  holderType: PanHolderType;
}

export function runPanSeries(nowMs: number, random: number, holderType: PanHolderType = 'P'): PanSeries {
  const base = Math.floor(nowMs) % PAN_SERIAL_MODULUS;
  const initial = String.fromCharCode(65 + (Math.floor(random * 26) % 26));
  return { base, initial, holderType };
}

/** The run's i-th PAN (valid format AAAAA9999A with our check letter) and a holder name matching its initial. */
export function runPan(series: PanSeries, i: number): { pan: string; name: string } {
  const serial = (series.base + i) % PAN_SERIAL_MODULUS;
  return { pan: panFromSerial(serial, series.initial, series.holderType), name: `Test ${series.initial}. Holder ${i}` };
}
