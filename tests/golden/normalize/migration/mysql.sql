-- up: new tables, their data, and a view that rebuilds the original table
CREATE TABLE customers (
	customer_id INTEGER NOT NULL, 
	customer_name VARCHAR(40), 
	city VARCHAR(40), 
	PRIMARY KEY (customer_id)
)COMMENT='split out of order_lines: customer_id determines customer_name, city';
CREATE TABLE orders (
	order_id INTEGER NOT NULL, 
	customer_id INTEGER, 
	PRIMARY KEY (order_id), 
	CONSTRAINT fk_orders_customer_id_customers FOREIGN KEY(customer_id) REFERENCES customers (customer_id)
)COMMENT='split out of order_lines: order_id determines customer_id';
CREATE TABLE products (
	product_id INTEGER NOT NULL, 
	product_name VARCHAR(40), 
	price NUMERIC(10, 2), 
	PRIMARY KEY (product_id)
)COMMENT='split out of order_lines: product_id determines product_name, price';
INSERT INTO `customers` (`customer_id`, `customer_name`, `city`) SELECT DISTINCT `customer_id`, `customer_name`, `city` FROM `order_lines` WHERE NOT `customer_id` IS NULL;
INSERT INTO `orders` (`order_id`, `customer_id`) SELECT DISTINCT `order_id`, `customer_id` FROM `order_lines` WHERE NOT `order_id` IS NULL;
INSERT INTO `products` (`product_id`, `product_name`, `price`) SELECT DISTINCT `product_id`, `product_name`, `price` FROM `order_lines` WHERE NOT `product_id` IS NULL;
CREATE VIEW `order_lines_joined` AS SELECT `order_lines`.`order_id` AS `order_id`, `order_lines`.`product_id` AS `product_id`, `orders`.`customer_id` AS `customer_id`, `customers`.`customer_name` AS `customer_name`, `customers`.`city` AS `city`, `products`.`product_name` AS `product_name`, `products`.`price` AS `price`, `order_lines`.`qty` AS `qty` FROM `order_lines` LEFT JOIN `orders` ON `order_lines`.`order_id` = `orders`.`order_id` LEFT JOIN `customers` ON `orders`.`customer_id` = `customers`.`customer_id` LEFT JOIN `products` ON `order_lines`.`product_id` = `products`.`product_id`;
-- checks: each query must return the number after it
SELECT (SELECT COUNT(*) FROM (SELECT DISTINCT `customer_id` FROM `order_lines` WHERE NOT `customer_id` IS NULL) AS `q`) - (SELECT COUNT(*) FROM `customers`);  -- expect 0 (customers: one row per customer_id)
SELECT (SELECT COUNT(*) FROM (SELECT DISTINCT `order_id` FROM `order_lines` WHERE NOT `order_id` IS NULL) AS `q`) - (SELECT COUNT(*) FROM `orders`);  -- expect 0 (orders: one row per order_id)
SELECT (SELECT COUNT(*) FROM (SELECT DISTINCT `product_id` FROM `order_lines` WHERE NOT `product_id` IS NULL) AS `q`) - (SELECT COUNT(*) FROM `products`);  -- expect 0 (products: one row per product_id)
SELECT COUNT(*) FROM (SELECT `order_id`, `product_id`, `customer_id`, `customer_name`, `city`, `product_name`, `price`, `qty` FROM `order_lines` EXCEPT SELECT `order_id`, `product_id`, `customer_id`, `customer_name`, `city`, `product_name`, `price`, `qty` FROM `order_lines_joined`) AS `q`;  -- expect 0 (rows of order_lines missing from order_lines_joined)
SELECT COUNT(*) FROM (SELECT `order_id`, `product_id`, `customer_id`, `customer_name`, `city`, `product_name`, `price`, `qty` FROM `order_lines_joined` EXCEPT SELECT `order_id`, `product_id`, `customer_id`, `customer_name`, `city`, `product_name`, `price`, `qty` FROM `order_lines`) AS `q`;  -- expect 0 (rows of order_lines_joined missing from order_lines)
SELECT (SELECT COUNT(*) FROM `order_lines`) - (SELECT COUNT(*) FROM `order_lines_joined`);  -- expect 0 (order_lines_joined has as many rows as order_lines)
-- finish: drop the moved columns
ALTER TABLE `order_lines` DROP COLUMN `customer_id`;
ALTER TABLE `order_lines` DROP COLUMN `customer_name`;
ALTER TABLE `order_lines` DROP COLUMN `city`;
ALTER TABLE `order_lines` DROP COLUMN `product_name`;
ALTER TABLE `order_lines` DROP COLUMN `price`;
-- down
DROP VIEW IF EXISTS `order_lines_joined`;
ALTER TABLE `order_lines` ADD COLUMN `customer_id` INT;
ALTER TABLE `order_lines` ADD COLUMN `customer_name` VARCHAR(40);
ALTER TABLE `order_lines` ADD COLUMN `city` VARCHAR(40);
ALTER TABLE `order_lines` ADD COLUMN `product_name` VARCHAR(40);
ALTER TABLE `order_lines` ADD COLUMN `price` DECIMAL(10, 2);
UPDATE `order_lines` SET `customer_id` = (SELECT `orders`.`customer_id` FROM `orders` WHERE `orders`.`order_id` = `order_lines`.`order_id`);
UPDATE `order_lines` SET `customer_name` = (SELECT `customers`.`customer_name` FROM `customers` WHERE `customers`.`customer_id` = `order_lines`.`customer_id`);
UPDATE `order_lines` SET `city` = (SELECT `customers`.`city` FROM `customers` WHERE `customers`.`customer_id` = `order_lines`.`customer_id`);
UPDATE `order_lines` SET `product_name` = (SELECT `products`.`product_name` FROM `products` WHERE `products`.`product_id` = `order_lines`.`product_id`);
UPDATE `order_lines` SET `price` = (SELECT `products`.`price` FROM `products` WHERE `products`.`product_id` = `order_lines`.`product_id`);
DROP TABLE `products`;
DROP TABLE `orders`;
DROP TABLE `customers`;
