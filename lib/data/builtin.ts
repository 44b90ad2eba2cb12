// A small dataset generated from a seed without faker, from short embedded name lists,
// so a fresh clone can run k6 scenarios before anyone has run `npm run data`.
// Same shape and rules as the generated datasets (unique PANs/accounts/cards, every
// reference resolves); only less varied names. Faker-free and runtime-neutral.

import { DatasetModel, type NamePools } from './model.ts';
import { defaultAsOf } from './options.ts';
import type { Dataset } from './types.ts';

export const BUILTIN_POOLS: NamePools = Object.freeze({
  locales: [
    {
      locale: 'en_IN',
      country: 'IN',
      firstNames: [
        'Aarav', 'Aditi', 'Aditya', 'Ananya', 'Arjun', 'Deepa', 'Divya', 'Farhan', 'Gaurav', 'Ishaan',
        'Kavya', 'Lakshmi', 'Meera', 'Neha', 'Nikhil', 'Pooja', 'Priya', 'Rahul', 'Rohan', 'Sanjay',
        'Sneha', 'Suresh', 'Tanvi', 'Varun', 'Vikram', 'Zoya', 'Harpreet', 'Anil', 'Lalitha', 'Imran',
      ],
      lastNames: [
        'Agarwal', 'Banerjee', 'Bhat', 'Chatterjee', 'Desai', 'Gill', 'Gupta', 'Iyer', 'Joshi', 'Kapoor',
        'Khan', 'Kulkarni', 'Menon', 'Mehta', 'Mishra', 'Nair', 'Patel', 'Pillai', 'Rao', 'Reddy',
        'Saxena', 'Shah', 'Sharma', 'Singh', 'Verma', 'Yadav', 'Das', 'Naidu', 'Qureshi', 'Fernandes',
      ],
      streets: [
        '12 MG Road', '4 Park Street', '221 Linking Road', '7 Brigade Road', '56 Anna Salai', '18 Residency Road',
        '3 Civil Lines', '90 Station Road', '15 Nehru Nagar', '27 Gandhi Chowk', '8 Lake View Colony', '41 Sector 15',
      ],
      cities: ['Mumbai', 'Delhi', 'Bengaluru', 'Chennai', 'Kolkata', 'Hyderabad', 'Pune', 'Ahmedabad', 'Jaipur', 'Kochi', 'Lucknow', 'Indore'],
      postcodes: ['400001', '110001', '560001', '600002', '700016', '500081', '411004', '380009', '302001', '682011', '226001', '452001'],
      phones: ['+91 98200 00000', '+91 99870 00000', '+91 70450 00000', '+91 81230 00000', '+91 90040 00000', '+91 63520 00000'],
      emailDomains: ['example.in', 'mail.example.com', 'example.org'],
    },
    {
      locale: 'en_US',
      country: 'US',
      firstNames: [
        'Emma', 'Olivia', 'Ava', 'Sophia', 'Mia', 'Harper', 'Abigail', 'Emily', 'Grace', 'Chloe',
        'Liam', 'Noah', 'James', 'Benjamin', 'Lucas', 'Henry', 'Daniel', 'Michael', 'Ethan', 'Mason',
        'Carlos', 'Maria', 'Wei', 'Aisha', 'Diego', 'Hannah', 'Samuel', 'Nora', 'Isaac', 'Leah',
      ],
      lastNames: [
        'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
        'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Thompson', 'White',
        'Harris', 'Clark', 'Lewis', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Nguyen', 'Chen',
      ],
      streets: [
        '1420 Oak Street', '77 Maple Avenue', '305 Pine Lane', '12 Cedar Court', '980 Elm Drive', '41 Washington Boulevard',
        '2210 Lakeview Road', '63 Sunset Terrace', '7 Ridge Way', '158 Highland Avenue', '19 Mill Road', '604 Park Place',
      ],
      cities: ['Springfield', 'Riverside', 'Franklin', 'Greenville', 'Madison', 'Georgetown', 'Salem', 'Fairview', 'Clinton', 'Austin', 'Denver', 'Portland'],
      postcodes: ['62701', '92501', '37064', '29601', '53703', '40324', '97301', '75069', '52732', '78701', '80202', '97205'],
      phones: ['(555) 201-0000', '(555) 318-0000', '555-427-0000', '(555) 630-0000', '555.714.0000', '(555) 860-0000'],
      emailDomains: ['example.com', 'example.net', 'mail.example.org'],
    },
  ],
});

export interface BuiltinOptions {
  customers?: number;
  merchants?: number;
  transactions?: number;
  /** YYYY-MM-DD; default 1 January of the current UTC year. */
  asOf?: string;
}

/** Sizes of the built-in dataset. */
export const BUILTIN_SIZES = Object.freeze({ customers: 200, merchants: 10, transactions: 500 });

/**
 * The built-in dataset for `seed` (default sizes: 200 customers, 10 merchants,
 * their accounts and cards, 500 transactions, 6 domestic and 6 foreign banks).
 * Deterministic: same seed and as-of date ⇒ identical dataset.
 */
export function builtinDataset(seed: number = 42, options: BuiltinOptions = {}): Dataset {
  const model = new DatasetModel(
    {
      seed,
      customers: options.customers ?? BUILTIN_SIZES.customers,
      merchants: options.merchants ?? BUILTIN_SIZES.merchants,
      transactions: options.transactions ?? BUILTIN_SIZES.transactions,
      domesticBanks: 6,
      foreignBanks: 6,
      asOf: options.asOf ?? defaultAsOf(),
    },
    BUILTIN_POOLS,
  );
  const ds: Dataset = { banks: model.banks(), customers: [], accounts: [], merchants: [...model.merchants()], cards: [], transactions: [] };
  for (const block of model.customerBlocks()) {
    ds.customers.push(block.customer);
    for (const a of block.accounts) ds.accounts.push(a);
    for (const c of block.cards) ds.cards.push(c);
  }
  for (const t of model.transactions()) ds.transactions.push(t);
  return ds;
}
