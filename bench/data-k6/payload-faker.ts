// Per-iteration payload built with faker inside k6: what the design avoids.
import { fakerEN as faker } from '@faker-js/faker';

export const options = { scenarios: { s: { executor: 'constant-vus', vus: Number(__ENV.VUS ?? 1), duration: __ENV.DURATION ?? '8s' } } };
export function setup() { console.log(`SETUP_AT=${Date.now()}`); }
let sink = 0;
export default function () {
  const payload = {
    id: faker.string.uuid(),
    name: faker.person.fullName(),
    email: faker.internet.email(),
    card: { number: faker.finance.creditCardNumber(), cvv: faker.finance.creditCardCVV() },
    amount: faker.finance.amount({ min: 1, max: 5000 }),
    city: faker.location.city(),
  };
  sink += JSON.stringify(payload).length;
}
