/**
 * The `shop` sample: an e-commerce schema that holds personal data
 * (customers' names, emails, phones, addresses, birth dates, card numbers),
 * the kind of data flighting must desensitize before anything runs on it.
 */

export const SHOP_TABLES = ['customers', 'products', 'orders', 'order_items', 'payments', 'events'] as const;

export const SHOP_SCHEMA = `
CREATE TABLE customers (
  customer_id INTEGER PRIMARY KEY,
  first_name VARCHAR NOT NULL,
  last_name VARCHAR NOT NULL,
  email VARCHAR NOT NULL,
  phone VARCHAR,
  street VARCHAR NOT NULL,
  city VARCHAR NOT NULL,
  country VARCHAR NOT NULL,
  postal_code VARCHAR NOT NULL,
  birth_date DATE NOT NULL,
  card_number VARCHAR,
  segment VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL
);
CREATE TABLE products (
  product_id INTEGER PRIMARY KEY,
  name VARCHAR NOT NULL,
  category VARCHAR NOT NULL,
  brand VARCHAR NOT NULL,
  price DECIMAL(10,2) NOT NULL,
  created_at DATE NOT NULL
);
CREATE TABLE orders (
  order_id BIGINT PRIMARY KEY,
  customer_id INTEGER NOT NULL,
  order_date DATE NOT NULL,
  status VARCHAR NOT NULL,
  channel VARCHAR NOT NULL,
  ship_city VARCHAR NOT NULL,
  ship_country VARCHAR NOT NULL,
  total DECIMAL(12,2) NOT NULL
);
CREATE TABLE order_items (
  order_id BIGINT NOT NULL,
  line_no INTEGER NOT NULL,
  product_id INTEGER NOT NULL,
  quantity INTEGER NOT NULL,
  unit_price DECIMAL(10,2) NOT NULL,
  discount DECIMAL(4,2) NOT NULL
);
CREATE TABLE payments (
  payment_id BIGINT PRIMARY KEY,
  order_id BIGINT NOT NULL,
  method VARCHAR NOT NULL,
  card_number VARCHAR,
  amount DECIMAL(12,2) NOT NULL,
  paid_at TIMESTAMP NOT NULL,
  status VARCHAR NOT NULL
);
CREATE TABLE events (
  event_id BIGINT NOT NULL,
  customer_id INTEGER,
  product_id INTEGER,
  event_type VARCHAR NOT NULL,
  event_time TIMESTAMP NOT NULL,
  session_id VARCHAR NOT NULL,
  device VARCHAR NOT NULL
);
`;

export const FIRST_NAMES = ['Ana', 'Bo', 'Chen', 'Dara', 'Emil', 'Fatima', 'Goran', 'Hana', 'Ivan', 'Jonas', 'Kira', 'Liam', 'Mei', 'Nora', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sven', 'Tara', 'Uma', 'Viktor', 'Wen', 'Xena', 'Yusuf', 'Zoe'];
export const LAST_NAMES = ['Andersen', 'Berg', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Hansen', 'Ivanova', 'Jensen', 'Kowalski', 'Larsen', 'Moreau', 'Nielsen', 'Olsen', 'Petrov', 'Quist', 'Rossi', 'Schmidt', 'Tanaka', 'Usman', 'Varga', 'Wong', 'Xu', 'Yilmaz', "O'Hara"];
export const CITIES: readonly (readonly [string, string])[] = [
  ['Oslo', 'NO'], ['Bergen', 'NO'], ['Stockholm', 'SE'], ['Gothenburg', 'SE'], ['Copenhagen', 'DK'], ['Aarhus', 'DK'], ['Berlin', 'DE'], ['Munich', 'DE'],
  ['Hamburg', 'DE'], ['Paris', 'FR'], ['Lyon', 'FR'], ['Madrid', 'ES'], ['Barcelona', 'ES'], ['Rome', 'IT'], ['Milan', 'IT'], ['Warsaw', 'PL'],
  ['Vienna', 'AT'], ['Zurich', 'CH'], ['Amsterdam', 'NL'], ['Dublin', 'IE'],
];
export const STREETS = ['Main St', 'High St', 'Park Ave', 'Station Rd', 'Church Ln', 'Market Sq', 'River Rd', 'Hill St', 'Oak Ave', 'Mill Ln'];
export const CATEGORIES = ['electronics', 'books', 'toys', 'garden', 'kitchen', 'sports', 'fashion', 'beauty', 'grocery', 'office'];
export const BRANDS = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne', 'wonka', 'tyrell', 'cyberdyne', 'soylent', 'aperture'];
export const SEGMENTS = ['consumer', 'consumer', 'consumer', 'small-business', 'enterprise', 'vip'];
export const ORDER_STATUSES = ['delivered', 'delivered', 'delivered', 'delivered', 'shipped', 'paid', 'cancelled', 'returned'];
export const CHANNELS = ['web', 'web', 'app', 'app', 'marketplace', 'phone'];
export const PAYMENT_METHODS = ['card', 'card', 'card', 'paypal', 'invoice', 'gift-card'];
export const EVENT_TYPES = ['view', 'view', 'view', 'view', 'search', 'add_to_cart', 'add_to_cart', 'checkout', 'purchase', 'review'];
export const DEVICES = ['desktop', 'mobile', 'mobile', 'tablet'];
