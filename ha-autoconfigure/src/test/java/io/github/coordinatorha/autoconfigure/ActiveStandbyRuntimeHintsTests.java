package io.github.coordinatorha.autoconfigure;

import io.github.coordinatorha.ActiveOnly;
import io.github.coordinatorha.RoleStatus;
import io.github.coordinatorha.election.RegisteredSession;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a native image of an application with the starter is given.
 */
class ActiveStandbyRuntimeHintsTests {

	@Test
	void theSessionJsonTheTogglesAndTheMetadataAreRegistered() {
		RuntimeHints hints = new RuntimeHints();
		new ActiveStandbyRuntimeHints().registerHints(hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.reflection()
			.onType(TypeReference.of(ActiveStandbyRuntimeHints.SESSION_INFO))
			.withMemberCategories(org.springframework.aot.hint.MemberCategory.INVOKE_DECLARED_CONSTRUCTORS))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(RegisteredSession.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(RoleStatus.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(CoordinatorProperties.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.resource().forResource(PropertySpellings.METADATA)).accepts(hints);
	}

	@Test
	void aheadOfTimeProcessingRegistersReflectionOnActiveOnlyBeans() {
		try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
			context.register(ActiveStandbyAutoConfiguration.class, Compactor.class);
			DefaultGenerationContext generation = new DefaultGenerationContext(
					new ClassNameGenerator(ClassName.get("com.example", "Application")), new InMemoryGeneratedFiles());
			new ApplicationContextAotGenerator().processAheadOfTime(context, generation);
			assertThat(RuntimeHintsPredicates.reflection().onType(Compactor.class))
				.accepts(generation.getRuntimeHints());
			assertThat(RuntimeHintsPredicates.reflection()
				.onType(TypeReference.of(ActiveStandbyRuntimeHints.SESSION_INFO)))
				.accepts(generation.getRuntimeHints());
		}
	}

	static class Compactor {

		@ActiveOnly("rootCoord")
		public void compact() {
		}

	}

}
