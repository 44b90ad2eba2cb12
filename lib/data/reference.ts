// Reference tables of the dataset generator (model.ts): the home market, how many accounts and
// cards a customer holds, merchant categories, foreign countries and the words bank names are made
// of. Data only, kept apart from the generator so the mix can be read and changed in one place.
// The order of every list matters: the generator's seeded picks index into them, so reordering an
// entry changes the generated files for the same seed (bump GENERATOR_VERSION in generate.ts).
// Runtime-neutral (no k6/*, no Node built-ins).

/** The home market: domestic banks, accounts and PANs are Indian. */
export const HOME_COUNTRY = 'IN';
export const HOME_CURRENCY = 'INR';

/** Domestic accounts per customer: 1 (35%), 2 (50%), 3 (15%) → mean 1.8. */
export const ACCOUNTS_PER_CUSTOMER = Object.freeze([
  { value: 1, weight: 35 },
  { value: 2, weight: 50 },
  { value: 3, weight: 15 },
]);

/** Cards per customer: 1 (70%), 2 (30%). */
export const CARDS_PER_CUSTOMER = Object.freeze([
  { value: 1, weight: 70 },
  { value: 2, weight: 30 },
]);

export interface MerchantCategory {
  readonly mcc: string;
  readonly category: string;
  readonly nouns: readonly string[];
  readonly weight: number;
}

/** Merchant categories with their ISO 18245 MCC. */
export const MERCHANT_CATEGORIES: readonly MerchantCategory[] = Object.freeze([
  { mcc: '5411', category: 'grocery_stores_supermarkets', nouns: ['Supermarket', 'Fresh Mart', 'Grocers'], weight: 16 },
  { mcc: '5812', category: 'eating_places_restaurants', nouns: ['Kitchen', 'Bistro', 'Dhaba', 'Grill'], weight: 12 },
  { mcc: '5814', category: 'fast_food_restaurants', nouns: ['Burgers', 'Express Eats', 'Pizza'], weight: 8 },
  { mcc: '5541', category: 'service_stations', nouns: ['Fuels', 'Petroleum', 'Service Station'], weight: 7 },
  { mcc: '5311', category: 'department_stores', nouns: ['Department Store', 'Emporium'], weight: 5 },
  { mcc: '5732', category: 'electronics_stores', nouns: ['Electronics', 'Digital', 'Mobiles'], weight: 6 },
  { mcc: '5912', category: 'drug_stores_pharmacies', nouns: ['Pharmacy', 'Chemists', 'Medicals'], weight: 7 },
  { mcc: '5651', category: 'family_clothing_stores', nouns: ['Fashions', 'Apparel', 'Textiles'], weight: 6 },
  { mcc: '5944', category: 'jewelry_stores', nouns: ['Jewellers', 'Gold House'], weight: 2 },
  { mcc: '5942', category: 'book_stores', nouns: ['Books', 'Book House'], weight: 2 },
  { mcc: '4111', category: 'local_commuter_transport', nouns: ['Metro Transit', 'City Bus'], weight: 4 },
  { mcc: '4121', category: 'taxicabs_limousines', nouns: ['Cabs', 'Taxi Co'], weight: 4 },
  { mcc: '4511', category: 'airlines', nouns: ['Airways', 'Air'], weight: 2 },
  { mcc: '7011', category: 'hotels_motels_resorts', nouns: ['Hotel', 'Residency', 'Inn'], weight: 4 },
  { mcc: '4814', category: 'telecommunication_services', nouns: ['Telecom', 'Mobile Services'], weight: 4 },
  { mcc: '4900', category: 'utilities', nouns: ['Power', 'Utilities', 'Gas & Water'], weight: 4 },
  { mcc: '7832', category: 'motion_picture_theaters', nouns: ['Cinemas', 'Multiplex'], weight: 2 },
  { mcc: '8062', category: 'hospitals', nouns: ['Hospital', 'Medical Centre'], weight: 2 },
  { mcc: '8220', category: 'colleges_universities', nouns: ['College', 'Institute'], weight: 1 },
  { mcc: '5999', category: 'miscellaneous_retail', nouns: ['Traders', 'General Store', 'Bazaar'], weight: 7 },
]);

export interface ForeignCountry {
  readonly country: string;
  readonly currency: string;
  readonly cities: readonly string[];
}

/** Where foreign banks are; all currencies are ones the sandbox supports. */
export const FOREIGN_COUNTRIES: readonly ForeignCountry[] = Object.freeze([
  { country: 'US', currency: 'USD', cities: ['New York', 'Chicago', 'Boston', 'San Francisco', 'Charlotte'] },
  { country: 'GB', currency: 'GBP', cities: ['London', 'Edinburgh', 'Manchester', 'Leeds'] },
  { country: 'SG', currency: 'SGD', cities: ['Singapore', 'Marina Bay', 'Raffles'] },
  { country: 'AE', currency: 'AED', cities: ['Dubai', 'Abu Dhabi', 'Sharjah'] },
  { country: 'JP', currency: 'JPY', cities: ['Tokyo', 'Osaka', 'Nagoya'] },
  { country: 'CA', currency: 'CAD', cities: ['Toronto', 'Montreal', 'Vancouver'] },
  { country: 'AU', currency: 'AUD', cities: ['Sydney', 'Melbourne', 'Brisbane'] },
  { country: 'CH', currency: 'CHF', cities: ['Zurich', 'Geneva', 'Basel'] },
  { country: 'DE', currency: 'EUR', cities: ['Frankfurt', 'Munich', 'Hamburg'] },
]);

/** Domestic bank names are a state and a pattern: every pair once, in a seeded order, then numbered. */
export const INDIAN_STATES = [
  'Andhra', 'Assam', 'Bihar', 'Goa', 'Gujarat', 'Haryana', 'Karnataka', 'Kerala', 'Madhya Pradesh',
  'Maharashtra', 'Odisha', 'Punjab', 'Rajasthan', 'Sikkim', 'Tamil Nadu', 'Telangana', 'Tripura',
  'Uttar Pradesh', 'Uttarakhand', 'West Bengal', 'Himachal', 'Jharkhand', 'Manipur', 'Mizoram',
] as const;
export const DOMESTIC_BANK_PATTERNS = [
  (s: string) => `${s} State Bank`,
  (s: string) => `${s} Co-operative Bank`,
  (s: string) => `National Bank of ${s}`,
  (s: string) => `Progressive Bank of ${s}`,
  (s: string) => `${s} Gramin Bank`,
  (s: string) => `United Bank of ${s}`,
  (s: string) => `${s} Mercantile Bank`,
  (s: string) => `${s} Urban Bank`,
] as const;
/** Foreign bank names: a city of the bank's country, a word and a suffix. */
export const FOREIGN_BANK_WORDS = ['Harbour', 'Crown', 'Meridian', 'Summit', 'Atlas', 'Pioneer', 'Heritage', 'Beacon'] as const;
export const FOREIGN_BANK_SUFFIXES = ['Bank', 'Trust', 'Savings Bank', 'Commercial Bank'] as const;
