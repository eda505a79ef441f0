package org.annulus.bridge.intake;

import java.nio.charset.StandardCharsets;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.support.converter.MessageConversionException;
import org.springframework.amqp.support.converter.MessageConverter;
import org.springframework.stereotype.Component;

/**
 * The message body exactly as published, whatever its content type says: the document's hash and stored
 * copy are of the bytes the clinic sent (Camel's default converter would decode {@code text/*} bodies with
 * the declared, or the platform's, charset first).
 */
@Component("rawMessageBody")
class RawMessageBody implements MessageConverter {

    @Override
    public Message toMessage(Object body, MessageProperties properties) {
        if (body instanceof byte[] bytes) {
            return new Message(bytes, properties);
        }
        if (body instanceof String text) {
            return new Message(text.getBytes(StandardCharsets.UTF_8), properties);
        }
        throw new MessageConversionException("a broker message body is bytes or text");
    }

    @Override
    public Object fromMessage(Message message) {
        return message.getBody();
    }
}
