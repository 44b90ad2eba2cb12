// The test-data model shared by the generator (Node), the validator and k6 scenarios.
// Every id is `<prefix>_<8+ digits>` whose number is the record's position in its file
// (see ids.ts: indexOfId), and every reference points at a record of the same dataset.
// Money is always an integer in minor units of the named ISO 4217 currency.

import type { CardBrand } from './cards.ts';

export type BankKind = 'domestic' | 'foreign';

export interface Bank {
  /** bnk_… */
  id: string;
  /** Unique short code: `CB0001`… for domestic consortium banks, `FB-SG-0003`… for foreign ones. */
  code: string;
  name: string;
  kind: BankKind;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** Currency of the accounts it holds. */
  currency: string;
}

export interface Address {
  street: string;
  city: string;
  postcode: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

export interface Customer {
  /** cus_… */
  id: string;
  /** Indian PAN, unique; see pan.ts. */
  pan: string;
  firstName: string;
  lastName: string;
  fullName: string;
  /** Unique. */
  email: string;
  phone: string;
  /** YYYY-MM-DD; aged 18-80 at the dataset's as-of date. */
  dateOfBirth: string;
  /** Faker locale the name came from, e.g. en_IN. */
  locale: string;
  address: Address;
  /** acc_… ids: 1-3 domestic accounts first, then the travel account if any. */
  accountIds: string[];
  /** crd_… ids. */
  cardIds: string[];
}

export type AccountKind = 'savings' | 'current' | 'travel';

export interface Account {
  /** acc_… */
  id: string;
  /** Unique digits. */
  accountNumber: string;
  customerId: string;
  bankId: string;
  /** savings/current at a domestic bank; travel at a foreign bank. */
  kind: AccountKind;
  currency: string;
  /** Opening balance, minor units. */
  openingBalance: number;
}

export interface Merchant {
  /** mer_… */
  id: string;
  name: string;
  /** ISO 18245 merchant category code, four digits. */
  mcc: string;
  category: string;
  country: string;
  city: string;
  currency: string;
}

export interface Card {
  /** crd_… */
  id: string;
  customerId: string;
  /** The domestic account the card draws on. */
  accountId: string;
  brand: CardBrand;
  /** Unique, Luhn-valid. */
  number: string;
  expMonth: number;
  expYear: number;
  cvv: string;
  holderName: string;
}

export type TransactionKind = 'domestic' | 'travel';
export type ArrivalPattern = 'random' | 'burst' | 'steady';

export interface Transaction {
  /** txn_… */
  id: string;
  /** domestic: between two customers' domestic accounts; travel: a customer's domestic account to their own travel account. */
  kind: TransactionKind;
  fromAccountId: string;
  toAccountId: string;
  /** Owner of fromAccountId (denormalised for scenarios). */
  customerId: string;
  /** Minor units of `currency` (the source account's currency). */
  amount: number;
  currency: string;
  /** Amount band name, see amounts.ts. */
  band: string;
  /** Milliseconds after the dataset's as-of instant at which the transaction arrives. */
  offsetMs: number;
  /** ISO 8601 arrival time = asOf + offsetMs. */
  timestamp: string;
  /** UUID to send as the idempotency key. */
  idempotencyKey: string;
}

export interface Dataset {
  banks: Bank[];
  customers: Customer[];
  accounts: Account[];
  merchants: Merchant[];
  cards: Card[];
  transactions: Transaction[];
}

export type EntityName = keyof Dataset;

/** File order: referenced entities before the ones that reference them (customers ↔ accounts excepted). */
export const ENTITY_NAMES: readonly EntityName[] = ['banks', 'merchants', 'customers', 'accounts', 'cards', 'transactions'];

/** Read-only, array-like view: what a k6 SharedArray offers (length and index access). */
export interface RecordList<T> {
  readonly length: number;
  readonly [index: number]: T;
}

export interface DatasetView {
  banks: RecordList<Bank>;
  customers: RecordList<Customer>;
  accounts: RecordList<Account>;
  merchants: RecordList<Merchant>;
  cards: RecordList<Card>;
  transactions: RecordList<Transaction>;
}
